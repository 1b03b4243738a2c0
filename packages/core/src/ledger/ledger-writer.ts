import type { Event } from '../event/event.js'
import type { Logger } from '../logger.js'
import type { AttemptStart, DeliveryRecord, Store } from '../store/store.js'

/**
 * Called once a batch is in the Store, with the events that got a final record in it (see `write`) and the
 * records of the batch.
 */
export type LedgerWritten = (
  finished: ReadonlyMap<string, Event>,
  records: readonly DeliveryRecord[],
) => Promise<void>

/**
 * Buffers delivery records and attempt starts and writes them to the Store in batches: one `recordDeliveries`
 * (and one `recordAttemptStarts`) call per turn of the event loop however many deliveries ended or started in
 * it. Records go one batch at a time and in order. A start that must follow records (a redelivery, whose
 * `retrying` row may not be written yet) goes in the batch after them; other starts (first deliveries, whose
 * handler waits for them) are handed to the Store at once, not behind the batch in flight. A `succeeded` record
 * is also the delivery's idempotency record (see `Store.recordDeliveries`).
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
  /** Settles once what is buffered now was written (made on demand by `written`). */
  #buffered: { promise: Promise<void>; resolve: () => void } | undefined
  /** Starts that go after the records buffered before them, and the resolvers of their promises. */
  #starts: AttemptStart[] = []
  #started: (() => void)[] = []
  /** Starts written at once whatever batch is in flight, and their shared promise. */
  #firstStarts: AttemptStart[] = []
  #firstStarted = deferred()
  #startsInFlight = 0
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
    return (
      this.#pending.length === 0 &&
      this.#starts.length === 0 &&
      this.#firstStarts.length === 0 &&
      this.#batchesInFlight === 0 &&
      this.#startsInFlight === 0
    )
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
   * Buffers the start of an attempt; resolves once it was written (or failed to be: the failure is logged and
   * the attempt runs anyway, unprotected rather than not run). `afterRecords`: the delivery may have a record
   * not written yet (it is a redelivery), which must not reset this start, so it is written after them.
   */
  start(start: AttemptStart, afterRecords: boolean): Promise<void> {
    if (afterRecords) {
      this.#starts.push(start)
      this.#schedule()
      return new Promise((resolve) => this.#started.push(resolve))
    }
    // Not batched per turn: the handler waits, and the transport starts no more deliveries of the handler than
    // its concurrency until this resolves. The starts of one run of the microtask queue go together and share
    // one promise. (Through a settled promise: Node's queueMicrotask makes an async resource per call.)
    if (this.#firstStarts.length === 0) {
      void settled.then(() => this.#writeFirstStarts())
      this.#firstStarted = deferred()
    }
    this.#firstStarts.push(start)
    return this.#firstStarted.promise
  }

  /** Buffers a record; pass `finished` (the record's event) to have it handed to `onWritten` after the write. */
  write(record: DeliveryRecord, finished?: Event): void {
    this.#pending.push(record)
    if (finished !== undefined) this.#finished.set(finished.id, finished)
    this.#schedule()
  }

  /** Resolves once everything buffered now was written (or failed to be: logged). */
  written(): Promise<void> {
    if (this.#pending.length === 0 && this.#starts.length === 0) return this.#writing
    this.#buffered ??= deferred()
    return this.#buffered.promise
  }

  /** Writes what is buffered; resolves when every record written so far is in the Store. */
  flush(): Promise<void> {
    this.#scheduled = false
    const batch = this.#pending
    const starts = this.#starts
    if (batch.length > 0 || starts.length > 0) {
      const finished = this.#finished
      const started = this.#started
      const buffered = this.#buffered
      this.#pending = []
      this.#starts = []
      this.#started = []
      this.#buffered = undefined
      this.#finished = new Map()
      this.#batchesInFlight++
      this.#writing = this.#writing.then(async () => {
        try {
          const written = this.#write(batch, starts)
          // The attempts may run as soon as their starts are written, before the completion reports.
          if (started.length > 0) void written.finally(() => resolveAll(started)).catch(() => {})
          await written
          if (this.#watched.size > 0) this.#notify(batch)
          if (finished.size > 0) await this.#onWritten?.(finished, batch)
        } catch (error) {
          this.#logger.error({ err: error, records: batch.length }, 'could not record deliveries')
        } finally {
          this.#batchesInFlight--
          buffered?.resolve()
        }
      })
    }
    return this.#writing
  }

  #writeFirstStarts(): void {
    const starts = this.#firstStarts
    const started = this.#firstStarted
    this.#firstStarts = []
    this.#startsInFlight++
    void this.#store
      .recordAttemptStarts(starts)
      .catch((error: unknown) =>
        this.#logger.error({ err: error, starts: starts.length }, 'could not record attempt starts'),
      )
      .finally(() => {
        this.#startsInFlight--
        started.resolve()
      })
  }

  /** The starts only once the records are in: a Store may apply a start before writes still pending. */
  async #write(batch: DeliveryRecord[], starts: AttemptStart[]): Promise<void> {
    let failed: unknown
    if (batch.length > 0)
      await this.#store.recordDeliveries(batch).catch((error: unknown) => (failed = error))
    if (starts.length > 0)
      await this.#store
        .recordAttemptStarts(starts)
        .catch((error: unknown) =>
          this.#logger.error({ err: error, starts: starts.length }, 'could not record attempt starts'),
        )
    if (failed !== undefined) throw failed
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

const settled = Promise.resolve()

/** A promise with its resolver. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}

function resolveAll(resolvers: readonly (() => void)[]): void {
  for (const resolve of resolvers) resolve()
}

function deliveryKey(eventId: string, handler: string): string {
  return `${eventId}\n${handler}`
}
