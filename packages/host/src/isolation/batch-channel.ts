import { toRemoteError } from './remote-error.js'
import type { DoneMessage } from './sandbox-protocol.js'

/** A message of either direction, as far as `unsendable` needs to know it. */
type Sent = { t: string; id?: number; ok?: boolean }

/**
 * The `unsendable` handler both sides use: a request that could not go fails its caller through `settle`; an
 * answer that could not go (a result holding a function or a proxy) is answered again with the reason.
 *
 * @example
 * ```ts
 * new BatchChannel(post, failUnsendable((id, error) => reject(id, error), (message) => channel.send(message)))
 * ```
 */
export function failUnsendable<M extends Sent>(
  settle: (id: number, error: unknown) => void,
  send: (message: M) => void,
): (message: M, error: unknown) => void {
  return (message, error) => {
    if (message.id === undefined) return
    if (message.t !== 'result') settle(message.id, error)
    else if (message.ok)
      send({ t: 'result', id: message.id, ok: false, error: toRemoteError(error) } as unknown as M)
  }
}

/**
 * Sends messages across a sandbox boundary in batches: every message sent in one turn of the event loop goes
 * as one array, flushed in that turn's check phase (`setImmediate`), so a burst of deliveries costs one
 * `postMessage` (one structured clone, one wake-up of the other side) instead of one each. A microtask would
 * flush after each I/O callback instead: requests read from 32 sockets in one turn would cross as 32 messages,
 * and the other side would run a turn of its own for each. A batch the transport cannot clone (a function among the arguments) is
 * retried message by message and `unsendable` is told which message could not go.
 *
 * @example
 * ```ts
 * const channel = new BatchChannel((batch) => worker.postMessage(batch), (message, error) => fail(message, error))
 * channel.send({ t: 'ping' })
 * ```
 */
export class BatchChannel<M extends { t: string }> {
  #queue: M[] = []
  /** The `done` message of the batch being gathered, once one of its answers had no value. */
  #done: DoneMessage | undefined
  #scheduled = false
  #post: (batch: M[]) => void
  #unsendable: (message: M, error: unknown) => void

  constructor(post: (batch: M[]) => void, unsendable: (message: M, error: unknown) => void) {
    this.#post = post
    this.#unsendable = unsendable
  }

  send(message: M): void {
    this.#queue.push(message)
    this.#schedule()
  }

  /**
   * Answers request `id` as succeeded without a value: its id joins the batch's one `done` message, which costs the
   * transport an integer instead of a `result` object (a batch of deliveries answers dozens of them).
   */
  done(id: number): void {
    if (this.#done === undefined) {
      this.#done = { t: 'done', ids: [id] }
      // Both sides' message types include DoneMessage; the channel is generic over them.
      this.#queue.push(this.#done as unknown as M)
    } else this.#done.ids.push(id)
    this.#schedule()
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(this.#flush)
  }

  #flush = (): void => {
    this.#scheduled = false
    const batch = this.#queue
    this.#queue = []
    this.#done = undefined
    try {
      this.#post(batch)
    } catch {
      for (const message of batch) {
        try {
          this.#post([message])
        } catch (error) {
          this.#unsendable(message, error)
        }
      }
    }
  }
}
