import type { Event } from '../event/event.js'
import type { Logger } from '../logger.js'
import type { DeliveryRecord, Store } from '../store/store.js'

/** Called once a batch is in the Store, with the events that got a final record in it (see `write`). */
export type LedgerWritten = (finished: ReadonlyMap<string, Event>) => Promise<void>

/**
 * Buffers delivery records and writes them to the Store in batches: one `recordDeliveries` call per turn of
 * the event loop however many deliveries ended in it, one batch at a time and in order.
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
    return this.#pending.length === 0 && this.#batchesInFlight === 0
  }

  /** Buffers a record; pass `finished` (the record's event) to have it handed to `onWritten` after the write. */
  write(record: DeliveryRecord, finished?: Event): void {
    this.#pending.push(record)
    if (finished !== undefined) this.#finished.set(finished.id, finished)
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => void this.flush())
    }
  }

  /** Writes what is buffered; resolves when every record written so far is in the Store. */
  flush(): Promise<void> {
    this.#scheduled = false
    const batch = this.#pending
    if (batch.length > 0) {
      const finished = this.#finished
      this.#pending = []
      this.#finished = new Map()
      this.#batchesInFlight++
      this.#writing = this.#writing.then(async () => {
        try {
          await this.#store.recordDeliveries(batch)
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
}
