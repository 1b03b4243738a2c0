import {
  type AttemptStart,
  type DeliveryRecord,
  type Event,
  isFinalStatus,
  mergeTraces,
  pendingRecord,
  readDeliveryError,
  type UnfinishedEvent,
} from '@switchyard/core'
import type { JsonBucket, Revisioned } from './json-bucket.js'
import { fromKeyToken, toKeyToken } from './key-token.js'

/** One event's ledger entry: the event (once accepted) and one record per handler, in first-seen order. */
interface LedgerDoc {
  event?: Event
  records: DeliveryRecord[]
  /** Per handler, attempts started with no record since (see `Store.recordAttemptStarts`). */
  interrupted?: Record<string, number>
}

/** Writes the idempotency record of a handler that succeeded for an accepted event's key. */
export type MarkSucceeded = (idempotencyKey: string, handler: string) => Promise<void>

/** Tag of an entry whose event has a handler not final yet: what `unfinished` lists (see `JsonBucket.keysTagged`). */
const OPEN = 'open'
/** Reads of the bucket run this many at a time when resuming. */
const READ_BATCH = 128
/**
 * Open entries this node wrote last, kept to update them without reading them first (oldest dropped first). An
 * entry is dropped only when this many of this node's events wait for their outcome: 10,000 was passed by the
 * backlog of a 20,000-event burst, and each dropped entry costs its update a read. About 600 bytes each for a
 * small event.
 */
const KNOWN_ENTRIES = 32_768

/**
 * The delivery ledger in a KV bucket shared by all nodes: key `e.<eventId>` holds the event and its records
 * (changed with compare-and-set, so two nodes finishing two handlers of one event do not overwrite each
 * other); every write of an accepted event with a handler not yet final is tagged open, which is the index
 * `unfinished` lists, kept in the same write (no marker key to write and purge). The bucket's TTL bounds it.
 * The entries this node wrote last are kept with their revision: the usual update of an event this node
 * accepted is then one compare-and-set, not a read and a write (a stale one fails the compare and is read).
 * Per event that is one write at accept and one per batch of outcomes.
 */
export class DeliveryLedger {
  readonly #bucket: JsonBucket
  readonly #known = new Map<string, Revisioned<LedgerDoc>>()

  constructor(bucket: JsonBucket) {
    this.#bucket = bucket
  }

  async accept(event: Event, handlers: readonly string[]): Promise<void> {
    const updatedAt = new Date().toISOString()
    const pending = handlers.map((handler) => pendingRecord(event.id, handler, updatedAt))
    const eventKey = `e.${toKeyToken(event.id)}`
    // the usual case is a new event: one create
    const doc: LedgerDoc = { event, records: pending }
    const revision = await this.#bucket.create(eventKey, doc, tagOf(doc))
    if (revision !== undefined) {
      this.#remember(eventKey, { value: doc, revision })
      return
    }
    const merged = await this.#bucket.mutate<LedgerDoc>(
      eventKey,
      (current) => ({ event, records: upsert(current?.records ?? [], pending, false) }),
      undefined,
      tagOf,
    )
    this.#remember(eventKey, merged)
  }

  /**
   * Writes the records; `markSucceeded` writes the idempotency record of each handler that succeeded for an
   * accepted event's key (see `Store.recordDeliveries`). When this node wrote the event's entry last it knows
   * the key, and those records go out beside the ledger write: one round trip per event.
   */
  async record(records: readonly DeliveryRecord[], markSucceeded: MarkSucceeded): Promise<void> {
    await Promise.all(
      [...byEvent(records)].map(async ([eventId, batch]) => {
        const key = `e.${toKeyToken(eventId)}`
        // An entry this node does not know (another node accepted the event, or it was forgotten) almost surely
        // exists: read it, then compare-and-set (a create tried first fails, and costs two more requests).
        const known = this.#known.get(key) ?? (await this.#bucket.get<LedgerDoc>(key))
        const marks = markAll(known?.value, batch, markSucceeded)
        const [written] = await Promise.all([
          this.#bucket.mutate<LedgerDoc>(
            key,
            (current) => {
              const interrupted = withoutHandlers(current?.interrupted, batch)
              return { ...current, records: upsert(current?.records ?? [], batch, true), interrupted }
            },
            known,
            tagOf,
          ),
          ...(marks ?? []),
        ])
        this.#remember(key, written)
        if (marks === undefined) await Promise.all(markAll(written.value, batch, markSucceeded) ?? [])
      }),
    )
  }

  /** Counts an attempt started on each open delivery that has a record (compare-and-set per event). */
  async start(starts: readonly AttemptStart[]): Promise<void> {
    await Promise.all(
      [...byEvent(starts)].map(async ([eventId, batch]) => {
        const key = `e.${toKeyToken(eventId)}`
        const current = await this.#bucket.get<LedgerDoc>(key)
        if (current === undefined) return
        await this.#bucket.mutate<LedgerDoc>(
          key,
          (current) => {
            const doc: LedgerDoc = { ...current, records: current?.records ?? [] }
            const interrupted = { ...doc.interrupted }
            for (const { handler } of batch) {
              const record = doc.records.find((r) => r.handler === handler)
              if (record !== undefined && !isFinalStatus(record.status))
                interrupted[handler] = (interrupted[handler] ?? 0) + 1
            }
            return { ...doc, interrupted }
          },
          current,
          tagOf,
        )
      }),
    )
  }

  async deliveries(eventId: string): Promise<DeliveryRecord[]> {
    const records = (await this.#doc(eventId))?.records ?? []
    // Docs written by an older version kept the error as a plain message.
    for (const record of records)
      if (record.error !== undefined) record.error = readDeliveryError(record.error, record)
    return records
  }

  /**
   * Accepted events with handlers not final, by `time` then id (the bucket keeps no acceptance order). Lists the
   * entries tagged open, and the `u.<eventId>` markers an older version wrote instead.
   */
  async unfinished(): Promise<UnfinishedEvent[]> {
    const [open, marked] = await Promise.all([this.#bucket.keysTagged('e.*', OPEN), this.#bucket.keys('u.*')])
    const ids = [...new Set([...open, ...marked].map((key) => fromKeyToken(key.slice(2))))]
    const result: UnfinishedEvent[] = []
    for (let start = 0; start < ids.length; start += READ_BATCH) {
      const docs = await Promise.all(ids.slice(start, start + READ_BATCH).map((id) => this.#doc(id)))
      for (const doc of docs) {
        if (doc?.event === undefined) continue
        const handlers = doc.records
          .filter((record) => !isFinalStatus(record.status))
          .map((record) => record.handler)
        if (handlers.length === 0) continue
        const interrupted = Object.entries(doc.interrupted ?? {}).filter(
          ([handler, count]) => count > 0 && handlers.includes(handler),
        )
        result.push(
          interrupted.length === 0
            ? { event: doc.event, handlers }
            : { event: doc.event, handlers, interrupted: Object.fromEntries(interrupted) },
        )
      }
    }
    return result.sort((a, b) => byTimeThenId(a.event, b.event))
  }

  /** Keeps an open entry's revision for its next update; forgets a finished one (nothing more is due). */
  #remember(key: string, written: Revisioned<LedgerDoc>): void {
    this.#known.delete(key)
    if (!isOpen(written.value)) return
    this.#known.set(key, written)
    if (this.#known.size > KNOWN_ENTRIES) this.#known.delete(this.#known.keys().next().value!)
  }

  /**
   * Every accepted event the bucket still keeps, by `time` then id (the bucket keeps no acceptance order). Reads
   * every entry: a replay over NATS costs a read per kept event per page.
   */
  async events(): Promise<Event[]> {
    const ids = (await this.#bucket.keys('e.*')).map((key) => fromKeyToken(key.slice(2)))
    const events: Event[] = []
    for (let start = 0; start < ids.length; start += READ_BATCH) {
      const docs = await Promise.all(ids.slice(start, start + READ_BATCH).map((id) => this.#doc(id)))
      for (const doc of docs) if (doc?.event !== undefined) events.push(doc.event)
    }
    return events.sort(byTimeThenId)
  }

  async #doc(eventId: string): Promise<LedgerDoc | undefined> {
    return (await this.#bucket.get<LedgerDoc>(`e.${toKeyToken(eventId)}`))?.value
  }
}

function tagOf(doc: LedgerDoc): string | undefined {
  return isOpen(doc) ? OPEN : undefined
}

function byTimeThenId(a: Event, b: Event): number {
  return a.time.localeCompare(b.time) || a.id.localeCompare(b.id)
}

/**
 * Writes the idempotency records of the handlers of `batch` that succeeded, with the key of the event of
 * `doc`; undefined when `doc` has no event (its key is not known yet).
 */
function markAll(
  doc: LedgerDoc | undefined,
  batch: readonly DeliveryRecord[],
  markSucceeded: MarkSucceeded,
): Promise<void>[] | undefined {
  const idempotencyKey = doc?.event?.metadata.idempotencyKey
  if (idempotencyKey === undefined) return undefined
  return batch
    .filter((record) => record.status === 'succeeded')
    .map((record) => markSucceeded(idempotencyKey, record.handler))
}

function isOpen(doc: LedgerDoc): boolean {
  return doc.event !== undefined && doc.records.some((record) => !isFinalStatus(record.status))
}

/** Items grouped by their event id, in first-seen order. */
function byEvent<T extends { eventId: string }>(items: readonly T[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>()
  for (const item of items) {
    const group = grouped.get(item.eventId)
    if (group === undefined) grouped.set(item.eventId, [item])
    else group.push(item)
  }
  return grouped
}

/** The interrupted counts minus those of the handlers that got a record (a record ends the attempt). */
function withoutHandlers(
  interrupted: Record<string, number> | undefined,
  records: readonly DeliveryRecord[],
): Record<string, number> | undefined {
  if (interrupted === undefined) return undefined
  const rest = { ...interrupted }
  for (const { handler } of records) delete rest[handler]
  return rest
}

/**
 * Records merged by handler, keeping first-seen order; `replace` false keeps an existing record as it is. The
 * attempt traces of a replaced record are merged, not replaced.
 */
function upsert(
  records: DeliveryRecord[],
  changes: readonly DeliveryRecord[],
  replace: boolean,
): DeliveryRecord[] {
  const merged = [...records]
  for (const change of changes) {
    const at = merged.findIndex((record) => record.handler === change.handler)
    if (at === -1) merged.push({ ...change })
    // The same event delivered again (skipped_duplicate) leaves the succeeded record of its handler as it is.
    else if (replace && !(merged[at]!.status === 'succeeded' && change.status === 'skipped_duplicate')) {
      // A record brings its own attempt's trace: the row keeps those of the attempts before it.
      const traces = mergeTraces(merged[at]!.traces, change.traces)
      merged[at] = traces === undefined ? { ...change } : { ...change, traces }
    }
  }
  return merged
}
