import type { Logger } from './logger.js'
import type { DeliveryRecord, Store } from './store.js'

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
  #pending: DeliveryRecord[] = []
  #writing: Promise<void> = Promise.resolve()
  #scheduled = false

  constructor(store: Store, logger: Logger) {
    this.#store = store
    this.#logger = logger
  }

  write(record: DeliveryRecord): void {
    this.#pending.push(record)
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
      this.#pending = []
      this.#writing = this.#writing.then(() =>
        this.#store.recordDeliveries(batch).catch((error: unknown) => {
          this.#logger.error({ err: error, records: batch.length }, 'could not record deliveries')
        }),
      )
    }
    return this.#writing
  }
}
