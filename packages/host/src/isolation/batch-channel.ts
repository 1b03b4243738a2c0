/**
 * Sends messages across a sandbox boundary in batches: every message sent in one turn of the event loop goes
 * as one array, so a burst of deliveries costs one `postMessage` (one structured clone, one wake-up of the
 * other side) instead of one each. A batch the transport cannot clone (a function among the arguments) is
 * retried message by message and `unsendable` is told which message could not go.
 *
 * @example
 * ```ts
 * const channel = new BatchChannel((batch) => worker.postMessage(batch), (message, error) => fail(message, error))
 * channel.send({ t: 'ping' })
 * ```
 */
export class BatchChannel<M> {
  #queue: M[] = []
  #scheduled = false
  #post: (batch: M[]) => void
  #unsendable: (message: M, error: unknown) => void

  constructor(post: (batch: M[]) => void, unsendable: (message: M, error: unknown) => void) {
    this.#post = post
    this.#unsendable = unsendable
  }

  send(message: M): void {
    this.#queue.push(message)
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(this.#flush)
  }

  #flush = (): void => {
    this.#scheduled = false
    const batch = this.#queue
    this.#queue = []
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
