import type { AttemptResult } from '../delivery/attempt-result.js'
import type { Event } from '../event/event.js'
import type { ResolvedFlow } from './resolve-flow.js'

/** A closed batch as its leader (its first delivery) runs it: the events and where the result goes. */
export interface BatchRun {
  readonly events: readonly Event[]
  /** Hands the batch's result (its outcome, or a retry handed back at shutdown) to the other deliveries. */
  ended(result: AttemptResult): void
}

/** What a delivery that joined a batch does: run it (the first one), or wait for its result. */
export type BatchRole = { readonly run: BatchRun } | { readonly result: Promise<AttemptResult> }

interface OpenBatch {
  readonly events: Event[]
  readonly joined: ((role: BatchRole) => void)[]
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * Batches of one handler, per key: a batch closes when it holds `maxSize` events or `maxWaitMs` after its first
 * event came (at once when the bus shuts down). Its first delivery runs the handler with all its events; the
 * others end with that run's result. Batches form among the deliveries this process holds (on NATS, each node
 * batches the messages it was handed; none is acked before its batch ended).
 *
 * @example
 * ```ts
 * const role = await batcher.join(event)
 * if ('run' in role) role.run.ended(await runAll(role.run.events))
 * ```
 */
export class Batcher {
  readonly #maxSize: number
  readonly #maxWaitMs: number
  readonly #key: ((event: Event) => string) | undefined
  #open = new Map<string, OpenBatch>()
  #closed = false

  constructor(options: NonNullable<ResolvedFlow['batch']>, shutdown: AbortSignal) {
    this.#maxSize = options.maxSize
    this.#maxWaitMs = options.maxWaitMs
    const key = options.key
    this.#key = key === undefined ? undefined : (event) => key.read(event)
    shutdown.addEventListener('abort', () => this.#closeAll(), { once: true })
  }

  join(event: Event): Promise<BatchRole> {
    const key = this.#key === undefined ? '' : this.#key(event)
    return new Promise((resolve) => {
      let batch = this.#open.get(key)
      if (batch === undefined) {
        batch = { events: [], joined: [], timer: undefined }
        this.#open.set(key, batch)
        if (!this.#closed) {
          const opened = batch
          batch.timer = setTimeout(() => this.#close(key, opened), this.#maxWaitMs)
        }
      }
      batch.events.push(event)
      batch.joined.push(resolve)
      if (batch.events.length >= this.#maxSize || this.#closed) this.#close(key, batch)
    })
  }

  #close(key: string, batch: OpenBatch): void {
    if (this.#open.get(key) === batch) this.#open.delete(key)
    clearTimeout(batch.timer)
    let ended!: (result: AttemptResult) => void
    const result = new Promise<AttemptResult>((resolve) => (ended = resolve))
    const [leader, ...members] = batch.joined
    leader!({ run: { events: batch.events, ended } })
    for (const member of members) member({ result })
  }

  #closeAll(): void {
    this.#closed = true
    for (const [key, batch] of [...this.#open]) this.#close(key, batch)
  }
}
