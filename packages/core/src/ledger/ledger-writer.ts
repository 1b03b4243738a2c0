import type { Event } from '../event/event.js'
import type { Logger } from '../logger.js'
import type { AttemptStart, DeliveryRecord, Store } from '../store/store.js'

/** Called once a batch is in the Store, with the events that got a final record in it (see `write`). */
export type LedgerWritten = (finished: ReadonlyMap<string, Event>) => Promise<void>

/**
 * Buffers delivery records and attempt starts and writes them to the Store in batches: one `recordDeliveries`
 * (and one `recordAttemptStarts`) call per turn of the event loop however many deliveries ended or started in
 * it, one batch at a time and in order. Within a batch the records go first: a start never shares a batch with
 * the end of its own attempt (the handler runs only once its start is written), so a record of an earlier
 * attempt must not reset it.
 *
 * @example
 * ```ts
 * const ledger = new LedgerWriter(store, logger)
 * ledger.write(record)
 * await ledger.flush()
 * ```
 */
export class LedgerWriter {
  #store: Store
  #logger: Logger
  #onWritten: LedgerWritten | undefined
  #pending: DeliveryRecord[] = []
  #starts: AttemptStart[] = []
  /** Resolvers of `start` promises waiting for the batch being buffered. */
  #started: (() => void)[] = []
  /** Resolvers of `recorded` promises, by delivery key. */
  #watched = new Map<string, () => void>()
  #finished = new Map<string, Event>()
  #writing: Promise<void> = Promise.resolve()
  #batchesInFlight = 0
  #scheduled = false

  constructor(store: Store, logger: Logger, onWritten?: LedgerWritten) {
    this.#store = store
    this.#logger = logger
    this.#onWritten = onWritten
  }

  /** Nothing buffered and no batch being written. */
  get idle(): boolean {
    return this.#pending.length === 0 && this.#starts.length === 0 && this.#batchesInFlight === 0
  }

  /**
   * Resolves once a batch holding a record of this delivery (any status) was written. One watcher per delivery.
   */
  recorded(eventId: string, handler: string): Promise<void> {
    return new Promise((resolve) => this.#watched.set(deliveryKey(eventId, handler), resolve))
  }

  /** Forgets the watcher of a delivery (its `recorded` promise then never resolves). */
  unwatch(eventId: string, handler: string): void {
    this.#watched.delete(deliveryKey(eventId, handler))
  }

  /**
   * Buffers the start of an attempt; resolves once the batch holding it was written (or failed to be: the
   * failure is logged and the attempt runs anyway, unprotected rather than not run).
   */
  start(start: AttemptStart): Promise<void> {
    this.#starts.push(start)
    this.#schedule()
    return new Promise((resolve) => this.#started.push(resolve))
  }

  /** Buffers a record; pass `finished` (the record's event) to have it handed to `onWritten` after the write. */
  write(record: DeliveryRecord, finished?: Event): void {
    this.#pending.push(record)
    if (finished !== undefined) this.#finished.set(finished.id, finished)
    this.#schedule()
  }

  /** Writes what is buffered; resolves when every record written so far is in the Store. */
  flush(): Promise<void> {
    this.#scheduled = false
    const batch = this.#pending
    const starts = this.#starts
    if (batch.length > 0 || starts.length > 0) {
      const finished = this.#finished
      const started = this.#started
      this.#pending = []
      this.#starts = []
      this.#started = []
      this.#finished = new Map()
      this.#batchesInFlight++
      this.#writing = this.#writing.then(async () => {
        try {
          const written = this.#write(batch, starts)
          // The attempts may run as soon as their starts are written, before the completion reports.
          if (started.length > 0) void written.finally(() => resolveAll(started)).catch(() => {})
          await written
          if (this.#watched.size > 0) this.#notify(batch)
          if (finished.size > 0) await this.#onWritten?.(finished)
        } catch (error) {
          this.#logger.error({ err: error, records: batch.length }, 'could not record deliveries')
        } finally {
          this.#batchesInFlight--
        }
      })
    }
    return this.#writing
  }

  /** Both calls are made before either is awaited, so a store that group-commits writes them together. */
  async #write(batch: DeliveryRecord[], starts: AttemptStart[]): Promise<void> {
    const records = batch.length > 0 ? this.#store.recordDeliveries(batch) : undefined
    const begun = starts.length > 0 ? this.#store.recordAttemptStarts(starts) : undefined
    const [recorded] = await Promise.allSettled([records, begun])
    if (begun !== undefined)
      await begun.catch((error: unknown) =>
        this.#logger.error({ err: error, starts: starts.length }, 'could not record attempt starts'),
      )
    if (recorded.status === 'rejected') throw recorded.reason
  }

  #notify(batch: readonly DeliveryRecord[]): void {
    for (const { eventId, handler } of batch) {
      const key = deliveryKey(eventId, handler)
      const resolve = this.#watched.get(key)
      if (resolve === undefined) continue
      this.#watched.delete(key)
      resolve()
    }
  }

  #schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => void this.flush())
    }
  }
}

function resolveAll(resolvers: readonly (() => void)[]): void {
  for (const resolve of resolvers) resolve()
}

function deliveryKey(eventId: string, handler: string): string {
  return `${eventId}\n${handler}`
}
