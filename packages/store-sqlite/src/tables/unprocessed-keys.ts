import { type DeliveryRecord, isFinalStatus } from '@switchyard/core'
import type { Database, Statement } from 'better-sqlite3'
import type { AcceptedEvent } from './event-ledger.js'

/** Past this many events remembered, all is forgotten instead (deliveries that never get a final record). */
const MAX_EVENTS = 65_536

/** UTF-16 surrogates: where JavaScript's order of strings differs from SQLite's (UTF-8 bytes). */
const SURROGATE = /[\ud800-\udfff]/

/**
 * The idempotency keys of events this store accepted that have no idempotency record yet, per handler: they let
 * `isProcessedSync` answer `false` from memory. The SELECT it runs otherwise cost about 8.5k instructions per
 * delivery, a tenth of an enqueued event's cost (callgrind, `pnpm bench -- sqlite`'s enqueue row).
 *
 * A group commit of accepts reads, in its write transaction, the greatest key that has a record (two index
 * seeks for the lot): a key greater than that has none. The default key is the event's id, a UUID v7, which
 * grows with time, so a new event's key usually is; any other key is left to the SELECT (asking for each key
 * cost 5.1k instructions of the 8.5k). A succeeded row whose key is its event's id is in no index (see migration
 * 8): for those the bound is the greatest event id of the ledger when first needed (read before a group's rows
 * are written, so that it is none of theirs), raised by every succeeded record this connection writes. A key known to have no record stays so for its event's handlers until this
 * connection writes a record for it: a final ledger record of the event (a succeeded one is the record; for any
 * other final one the SELECT answers again) or a mark (`marked`). What another connection commits cannot be seen
 * here: when `PRAGMA data_version` says that one did, at the start of a read or of an accept, all is forgotten.
 *
 * @example
 * ```ts
 * const unprocessed = new UnprocessedKeys(db)
 * // in the accepts' write transaction:
 * unprocessed.accept(events, () => ledger.acceptAll(events, Date.now()))
 * unprocessed.has(event.metadata.idempotencyKey, 'audit_log') // true: no SELECT needed, the answer is false
 * ```
 */
export class UnprocessedKeys {
  readonly #greatestRecorded: Statement<[], string | null>
  readonly #greatestEventId: Statement<[], string | null>
  readonly #dataVersion: Statement<[], number>
  /** Each key's handlers that have no record for it (arrays are replaced, never changed: accepts share them). */
  readonly #handlers = new Map<string, readonly string[]>()
  /** The keys of the accepted events behind `#handlers`, by event id: a ledger record names its event. */
  readonly #keys = new Map<string, string>()
  /** `PRAGMA data_version` when what is known was learned: another connection's commit changes it. */
  #version = Number.NaN
  /**
   * At least the greatest key of a succeeded row whose key is its event's id, in JavaScript's order (null: no row;
   * undefined: read it when needed). Read from the ledger without surrogates, so that a key JavaScript orders after
   * it SQLite orders after it too; raised in JavaScript's order past the ids of succeeded records since.
   */
  #greatestById: string | null | undefined

  constructor(db: Database) {
    // The greatest key of a succeeded ledger row keyed otherwise than by its event id, or of a mark (of any
    // age): an index seek each.
    this.#greatestRecorded = db
      .prepare<[], string | null>(
        `SELECT max(key) FROM (
           SELECT max(idempotency_key) AS key FROM deliveries
           WHERE status = 'succeeded' AND idempotency_key <> event_id
           UNION ALL
           SELECT max(idempotency_key) FROM processed)`,
      )
      .pluck()
    this.#greatestEventId = db.prepare<[], string | null>('SELECT max(event_id) FROM deliveries').pluck()
    this.#dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck()
  }

  /**
   * Writes the pending rows of events with `write` and learns their keys, in one write transaction (so that no
   * other connection commits in between). `write` returns how many rows it wrote (`EventLedger.acceptAll`);
   * fewer than the events and their handlers means some were there already, maybe with another key, and nothing
   * is learned.
   */
  accept(events: readonly AcceptedEvent[], write: () => number): void {
    this.checkVersion()
    const byId = this.#greatestById === undefined ? this.#readGreatestById() : this.#greatestById
    const written = write()
    let rows = events.length
    for (const event of events) rows += event.handlers.length
    if (written !== rows) return
    if (this.#keys.size + events.length > MAX_EVENTS) this.#forget()
    const greatest = this.#greatestRecorded.get() ?? null
    // Without surrogates in `greatest`, a key JavaScript orders after it SQLite orders after it too.
    if (greatest !== null && SURROGATE.test(greatest)) return
    if (byId === undefined) return
    for (const { id, idempotencyKey: key, handlers } of events) {
      if (
        (greatest !== null && !(key > greatest)) ||
        (byId !== null && !(key > byId)) ||
        handlers.length === 0
      )
        continue
      this.#keys.set(id, key)
      const known = this.#handlers.get(key)
      this.#handlers.set(
        key,
        known === undefined ? handlers : [...known, ...handlers.filter((h) => !known.includes(h))],
      )
    }
  }

  /** Whether `handler` is known to have no record for `key` (false: not known, ask the tables). */
  has(key: string, handler: string): boolean {
    return this.#handlers.get(key)?.includes(handler) === true
  }

  /**
   * A ledger record changed its delivery's row. A final one ends what is known of the delivery; a succeeded one
   * of an event not accepted here wrote a record for a key this cannot tell, so all is forgotten.
   */
  recorded(record: DeliveryRecord): void {
    if (!isFinalStatus(record.status)) return
    if (record.status === 'succeeded') this.#raiseGreatestById(record.eventId)
    const key = this.#keys.get(record.eventId)
    if (key === undefined) {
      if (record.status === 'succeeded') this.#forget()
    } else if (this.#remove(key, record.handler)) this.#keys.delete(record.eventId)
  }

  /** `handler` has a record for `key` now (or may have). */
  marked(key: string, handler: string): void {
    this.#remove(key, handler)
  }

  /** Forgets everything when another connection committed since it was learned. Call it inside a transaction. */
  checkVersion(): void {
    const version = this.#dataVersion.get()!
    if (version === this.#version) return
    this.#version = version
    this.#greatestById = undefined
    this.#forget()
  }

  /** The greatest event id of the ledger, as the bound of keys that are their event's id (undefined: surrogates). */
  #readGreatestById(): string | null | undefined {
    const greatest = this.#greatestEventId.get() ?? null
    if (greatest !== null && SURROGATE.test(greatest)) return undefined
    this.#greatestById = greatest
    return greatest
  }

  /** A row of the event may now be a succeeded one keyed by its id. */
  #raiseGreatestById(eventId: string): void {
    if (this.#greatestById === null || (this.#greatestById !== undefined && eventId > this.#greatestById))
      this.#greatestById = eventId
  }

  /**
   * Takes `handler` off the key's list; true when no handler is left on it. An event's id stays in `#keys` until
   * then (an event that shares its key with another may linger until all is forgotten: it only ever takes handlers
   * off a list).
   */
  #remove(key: string, handler: string): boolean {
    const known = this.#handlers.get(key)
    if (known === undefined) return true
    if (!known.includes(handler)) return false
    if (known.length === 1) this.#handlers.delete(key)
    else
      this.#handlers.set(
        key,
        known.filter((h) => h !== handler),
      )
    return known.length === 1
  }

  #forget(): void {
    this.#handlers.clear()
    this.#keys.clear()
  }
}
