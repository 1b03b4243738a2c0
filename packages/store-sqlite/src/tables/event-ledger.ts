import {
  type AttemptTrace,
  type DeliveryRecord,
  type Event,
  isFinalStatus,
  mergeTraces,
  readDeliveryError,
  type UnfinishedEvent,
} from '@switchyard/core'
import type { Database, Statement } from 'better-sqlite3'
import { MultiRowInsert } from './multi-row-insert.js'
import { PrunedEvents } from './pruned-events.js'
import { RecordUpdates } from './record-updates.js'

interface DeliveryRow {
  handler: string
  status: DeliveryRecord['status']
  attempts: number
  duration_ms: number
  error: string | null
  updated_at: string
  traces: string | null
  due_at: string | null
}

/** An event to accept and the handlers it is accepted for (see `EventLedger.acceptAll`). */
export interface AcceptedEvent {
  id: string
  idempotencyKey: string
  body: string
  handlers: readonly string[]
}

interface OpenRow {
  seq: number
  body: string
  handler: string
  interrupted: number
}

/** Every event: those beyond a count limit go oldest first. */
const ANY_EVENT = 'TRUE'

/**
 * Events accepted before a cutoff. Only events before the first one accepted at or after the cutoff are looked
 * at: acceptance order is time order, and without that bound (accepted_ms has no index, which every accept would
 * pay for) a run scanned the whole table whenever nothing was old enough, every second. An event accepted after a
 * newer one (the clock stepped back) goes once those before it went: late, never early.
 */
const ACCEPTED_BEFORE = `
  e.seq < coalesce((SELECT seq FROM events WHERE accepted_ms >= @cutoffMs ORDER BY seq LIMIT 1), ${Number.MAX_SAFE_INTEGER})
    AND e.accepted_ms < @cutoffMs`

/**
 * The outbox of accepted events and the per-handler delivery ledger (tables `events` and `deliveries`).
 * Synchronous: `SqliteStore` runs the writes inside its group-commit transactions.
 *
 * @example
 * ```ts
 * const ledger = new EventLedger(db)
 * const { id, metadata } = event
 * ledger.acceptAll([{ id, idempotencyKey: metadata.idempotencyKey, body: JSON.stringify(event), handlers: ['audit_log'] }], Date.now())
 * ledger.unfinished() // [{ event, handlers: ['audit_log'] }]
 * ```
 */
export class EventLedger {
  readonly #insertEvents: MultiRowInsert
  readonly #insertStub: Statement<[string, number]>
  readonly #insertPending: MultiRowInsert
  readonly #insertPendingById: MultiRowInsert
  readonly #upsertDelivery: Statement<[string, string, string, number, number, number, string | null, string]>
  readonly #updateDelivery: Statement<
    [string, number, number, number, string | null, string, string, string, number, string]
  >
  /** The update of a record with a plain status, a statement per status (see `record`). */
  readonly #updates: RecordUpdates
  readonly #selectOpen1: Statement<[string, string], number>
  readonly #selectTraces: Statement<[string, string], string | null>
  readonly #updateTraces: Statement<[string, string, string]>
  readonly #updateDue: Statement<[string, string, string]>
  readonly #selectDeliveries: Statement<[string], DeliveryRow>
  readonly #selectOpen: Statement<[], OpenRow>
  readonly #pruneOldest: PrunedEvents<{ limit: number }>
  readonly #pruneBefore: PrunedEvents<{ cutoffMs: number; limit: number }>
  readonly #selectAccepted: Statement<[number, number], string>
  readonly #selectSeq: Statement<[string], number>
  #acceptedMs = Number.NaN
  #acceptedAt = ''

  constructor(db: Database) {
    // A second accept of the same id keeps the first; it only fills in a stub left by recordDeliveries.
    this.#insertEvents = new MultiRowInsert(
      db,
      'INSERT INTO events (id, body, accepted_ms) VALUES',
      '(?, ?, @acceptedMs)',
      'ON CONFLICT (id) DO UPDATE SET body = excluded.body WHERE body IS NULL',
      2,
    )
    this.#insertStub = db.prepare(
      'INSERT INTO events (id, body, accepted_ms) VALUES (?, NULL, ?) ON CONFLICT DO NOTHING',
    )
    this.#insertPending = new MultiRowInsert(
      db,
      `INSERT INTO deliveries (event_id, handler, idempotency_key, status, final, attempts, duration_ms, error,
         updated_at) VALUES`,
      "(?, ?, ?, 'pending', 0, 0, 0, NULL, @updatedAt)",
      'ON CONFLICT DO NOTHING',
      3,
    )
    // The common accept, one handler for all and each event its own key (the default): the id is bound once
    // and fills both columns. (`WHERE true` tells the parser that ON CONFLICT is not a join's ON.)
    this.#insertPendingById = new MultiRowInsert(
      db,
      `INSERT INTO deliveries (event_id, handler, idempotency_key, status, final, attempts, duration_ms, error,
         updated_at) SELECT column1, @handler, column1, 'pending', 0, 0, 0, NULL, @updatedAt FROM (VALUES`,
      '(?)',
      ') WHERE true ON CONFLICT DO NOTHING',
      1,
    )
    // A late progress record never reopens a delivery that already reached a final state, and the same event
    // delivered again (skipped_duplicate) leaves its succeeded row as it is.
    this.#upsertDelivery = db.prepare(
      `INSERT INTO deliveries (event_id, handler, status, final, attempts, duration_ms, error, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (event_id, handler) DO UPDATE SET status = excluded.status, final = excluded.final,
         attempts = excluded.attempts, duration_ms = excluded.duration_ms, error = excluded.error,
         updated_at = excluded.updated_at, interrupted = 0
       WHERE (deliveries.final = 0 OR excluded.final = 1)
         AND NOT (deliveries.status = 'succeeded' AND excluded.status = 'skipped_duplicate')`,
    )
    // The common case, a record for a row accept wrote: one statement instead of the stub insert and the upsert.
    this.#updateDelivery = db.prepare(
      `UPDATE deliveries SET status = ?, final = ?, attempts = ?, duration_ms = ?, error = ?, updated_at = ?,
         interrupted = 0
       WHERE event_id = ? AND handler = ? AND (final = 0 OR ? = 1)
         AND NOT (status = 'succeeded' AND ? = 'skipped_duplicate')`,
    )
    this.#updates = new RecordUpdates(db)
    this.#selectOpen1 = db
      .prepare<[string, string], number>(
        'SELECT 1 FROM deliveries WHERE event_id = ? AND handler = ? AND final = 0',
      )
      .pluck()
    this.#selectTraces = db
      .prepare<[string, string], string | null>(
        'SELECT traces FROM deliveries WHERE event_id = ? AND handler = ?',
      )
      .pluck()
    this.#updateTraces = db.prepare('UPDATE deliveries SET traces = ? WHERE event_id = ? AND handler = ?')
    this.#updateDue = db.prepare('UPDATE deliveries SET due_at = ? WHERE event_id = ? AND handler = ?')
    this.#selectDeliveries = db.prepare(
      'SELECT handler, status, attempts, duration_ms, error, updated_at, traces, due_at FROM deliveries WHERE event_id = ? ORDER BY handler',
    )
    this.#selectOpen = db.prepare(
      `SELECT e.seq AS seq, e.body AS body, d.handler AS handler, d.interrupted AS interrupted
       FROM deliveries d JOIN events e ON e.id = d.event_id
       WHERE d.final = 0 AND e.body IS NOT NULL ORDER BY e.seq, d.handler`,
    )
    this.#pruneOldest = new PrunedEvents(db, ANY_EVENT)
    this.#pruneBefore = new PrunedEvents(db, ACCEPTED_BEFORE)
    // An event's time is at or before its acceptance: accepted_ms narrows the scan to a superset of the window.
    this.#selectAccepted = db
      .prepare<[number, number], string>(
        'SELECT body FROM events WHERE body IS NOT NULL AND accepted_ms >= ? AND seq > ? ORDER BY seq',
      )
      .pluck()
    this.#selectSeq = db.prepare<[string], number>('SELECT seq FROM events WHERE id = ?').pluck()
  }

  /**
   * Accepts events with a `pending` row per handler, in two statements for the lot (see `MultiRowInsert`).
   * `idempotencyKey`: the event's, kept on its rows so that a succeeded one is the idempotency record. Returns
   * how many rows it wrote or filled in: fewer than the events and their handlers when some were there already.
   */
  acceptAll(events: readonly AcceptedEvent[], nowMs: number): number {
    // Many accepts share a millisecond under load, and formatting a Date (about 1 µs) is worth doing once per ms.
    if (nowMs !== this.#acceptedMs) {
      this.#acceptedMs = nowMs
      this.#acceptedAt = new Date(nowMs).toISOString()
    }
    const eventValues: unknown[] = []
    for (const { id, body } of events) eventValues.push(id, body)
    const eventRows = this.#insertEvents.run(eventValues, { acceptedMs: nowMs })
    return eventRows + this.#insertPendingRows(events, this.#acceptedAt)
  }

  /** The `pending` rows of `acceptAll`: by id alone when every event has its id as key and the same one handler. */
  #insertPendingRows(events: readonly AcceptedEvent[], updatedAt: string): number {
    const handler = events[0]?.handlers[0]
    const ids: string[] = []
    for (const { id, idempotencyKey, handlers } of events) {
      if (handlers.length !== 1 || handlers[0] !== handler || idempotencyKey !== id) break
      ids.push(id)
    }
    if (ids.length === events.length && handler !== undefined)
      return this.#insertPendingById.run(ids, { handler, updatedAt })
    const values: unknown[] = []
    for (const { id, idempotencyKey, handlers } of events)
      for (const h of handlers) values.push(id, h, idempotencyKey)
    return values.length > 0 ? this.#insertPending.run(values, { updatedAt }) : 0
  }

  /**
   * Writes delivery records; `rowChanged` is called with each record that changed a row there was (only such a
   * record can make a row with an idempotency key `succeeded`: a new row has none).
   */
  record(
    records: readonly DeliveryRecord[],
    nowMs: number,
    rowChanged: (record: DeliveryRecord) => void,
  ): void {
    for (const r of records) {
      // The common case, a record for a row accept wrote: one statement with the status written into it.
      const changes = this.#updates.update(r) ?? this.#updateDelivery.run(...updateValues(r)).changes
      if (changes > 0) rowChanged(r)
      else {
        // No row yet, or a final row this record must not reopen (the upsert then leaves it as it is).
        const [status, final, attempts, durationMs, error, updatedAt] = updateValues(r)
        this.#insertStub.run(r.eventId, nowMs)
        this.#upsertDelivery.run(r.eventId, r.handler, status, final, attempts, durationMs, error, updatedAt)
      }
      if (r.traces !== undefined) this.#addTraces(r.eventId, r.handler, r.traces)
      // Only a delayed event's scheduled record has one; the column keeps it once the delivery moved on.
      if (r.dueAt !== undefined) this.#updateDue.run(r.dueAt, r.eventId, r.handler)
    }
  }

  /** Merges a record's attempt traces into its row's (only a traced bus sends any). */
  #addTraces(eventId: string, handler: string, traces: readonly AttemptTrace[]): void {
    const stored = this.#selectTraces.get(eventId, handler)
    const existing = stored == null ? undefined : (JSON.parse(stored) as AttemptTrace[])
    this.#updateTraces.run(JSON.stringify(mergeTraces(existing, traces)), eventId, handler)
  }

  /** Whether the delivery has a row that is not final. */
  isOpen(eventId: string, handler: string): boolean {
    return this.#selectOpen1.get(eventId, handler) !== undefined
  }

  deliveries(eventId: string): DeliveryRecord[] {
    return this.#selectDeliveries.all(eventId).map((row) => {
      const record: DeliveryRecord = {
        eventId,
        handler: row.handler,
        status: row.status,
        attempts: row.attempts,
        durationMs: row.duration_ms,
        updatedAt: row.updated_at,
      }
      if (row.error !== null) record.error = readDeliveryError(parseStored(row.error), record)
      if (row.traces !== null) record.traces = JSON.parse(row.traces) as AttemptTrace[]
      if (row.due_at !== null) record.dueAt = row.due_at
      return record
    })
  }

  /** Accepted events (not stubs) accepted at or after `sinceMs`, after the event `afterId`, oldest first. */
  *accepted(sinceMs: number, afterId: string | undefined): Generator<Event> {
    const afterSeq = afterId === undefined ? 0 : (this.#selectSeq.get(afterId) ?? 0)
    for (const body of this.#selectAccepted.iterate(sinceMs, afterSeq)) yield JSON.parse(body) as Event
  }

  /**
   * Accepted events with open deliveries, oldest first. A delivery's `interrupted` count is its column's (files
   * written before the `StartJournal`) plus `startsOf` it.
   */
  unfinished(startsOf: (eventId: string, handler: string) => number): UnfinishedEvent[] {
    const result: UnfinishedEvent[] = []
    let lastSeq = -1
    for (const row of this.#selectOpen.iterate()) {
      if (row.seq !== lastSeq) {
        result.push({ event: JSON.parse(row.body) as Event, handlers: [] })
        lastSeq = row.seq
      }
      const open = result.at(-1)!
      open.handlers.push(row.handler)
      const interrupted = row.interrupted + startsOf(open.event.id, row.handler)
      if (interrupted > 0) open.interrupted = { ...open.interrupted, [row.handler]: interrupted }
    }
    return result
  }

  /**
   * Deletes up to `limit` finished events with their ledger: first up to `beyondLimit` of the oldest (those
   * beyond the count limit: see `EventsBeyondLimit`), then those accepted before `cutoffMs`. Events with open
   * deliveries are never pruned. Returns how many went.
   */
  prune(cutoffMs: number, beyondLimit: number, limit: number): number {
    const excess = Math.min(limit, beyondLimit)
    let removed = excess > 0 ? this.#pruneOldest.delete({ limit: excess }) : 0
    if (removed < limit) removed += this.#pruneBefore.delete({ cutoffMs, limit: limit - removed })
    return removed
  }
}

/** A stored error column: the JSON of a `DeliveryError`, or the plain message rows written before it existed. */
function parseStored(column: string): unknown {
  if (!column.startsWith('{')) return column
  try {
    return JSON.parse(column)
  } catch {
    return column
  }
}

/** The parameters of the general update of a record's row (`#updateDelivery`), whose first six the upsert takes too. */
function updateValues(
  r: DeliveryRecord,
): [string, number, number, number, string | null, string, string, string, number, string] {
  const final = isFinalStatus(r.status) ? 1 : 0
  const error = r.error === undefined ? null : JSON.stringify(r.error)
  return [
    r.status,
    final,
    r.attempts,
    r.durationMs,
    error,
    r.updatedAt,
    r.eventId,
    r.handler,
    final,
    r.status,
  ]
}
