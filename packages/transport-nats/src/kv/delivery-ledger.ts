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

/**
 * One ledger entry, `e.<id>`: the event with that id (once accepted) and one record per handler, in first-seen
 * order; and the idempotency records of the key equal to that id that are not an accepted event's own record.
 */
interface LedgerDoc {
  event?: Event
  records: DeliveryRecord[]
  /** Per handler, attempts started with no record since (see `Store.recordAttemptStarts`). */
  interrupted?: Record<string, number>
  /** Per handler, until when (epoch ms) it counts as having handled the key `<id>` (see `mark`). */
  processed?: Record<string, number>
}

/** Tag of an entry whose event has a handler not final yet: what `unfinished` lists (see `JsonBucket.keysTagged`). */
const OPEN = 'open'
/** Reads of the bucket run this many at a time when resuming. */
const READ_BATCH = 128
/**
 * Open entries (and keys' marks) this node wrote last, kept to update them without reading them first (oldest
 * dropped first). An entry is dropped only when this many of this node's events wait for their outcome: 10,000
 * was passed by the backlog of a 20,000-event burst, and each dropped entry costs its update a read. About 600
 * bytes each for a small event.
 */
const KNOWN_ENTRIES = 32_768

/**
 * The delivery ledger in a KV bucket shared by all nodes: key `e.<eventId>` holds the event and its records
 * (changed with compare-and-set, so two nodes finishing two handlers of one event do not overwrite each
 * other); every write of an accepted event with a handler not yet final is tagged open, which is the index
 * `unfinished` lists, kept in the same write (no marker key to write and purge). The bucket's TTL bounds it.
 * The entries this node wrote last are kept with their revision: the usual update of an event this node
 * accepted is then one compare-and-set, not a read and a write (a stale one fails the compare and is read).
 *
 * It is also the idempotency index: whether a handler handled key K is in the one entry `e.<K>`. An event keeps
 * its id as its key unless given one, so for such an event its succeeded record is that index entry, and
 * nothing more is written; other keys (`Store.markProcessed`, events given a key) are marked in the entry named
 * after the key. One read answers `isProcessed`, none for a first delivery on the node that accepted the event
 * (`knownProcessed`). Per event with its own id as key, handled where it was accepted: one write at accept and
 * one per batch of outcomes.
 */
export class DeliveryLedger {
  readonly #bucket: JsonBucket
  /** How long a mark holds (`NatsStoreOptions.idempotencyTtlMs`; at most as long as the bucket keeps it). */
  readonly #markTtlMs: number
  readonly #known = new Map<string, Revisioned<LedgerDoc>>()
  /**
   * Known entries this node created at accept (the event's first acceptance anywhere) for an event published at
   * once (not delayed: a due event is published by the scheduler, maybe twice): no message of that event existed
   * before, which `knownProcessed` relies on.
   */
  readonly #created = new Set<string>()
  /** Marks of this turn by entry key, written together at its end (one compare-and-set per key, not per handler). */
  readonly #marking = new Map<string, { handlers: Set<string>; written: Promise<void> }>()

  constructor(bucket: JsonBucket, markTtlMs: number) {
    this.#bucket = bucket
    this.#markTtlMs = markTtlMs
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
      if (event.metadata.deliverAt === undefined) this.#created.add(eventKey)
      return
    }
    // accepted before: a message of it may be anywhere
    this.#created.delete(eventKey)
    const merged = await this.#bucket.mutate<LedgerDoc>(
      eventKey,
      // the key's marks stay (the event's id was marked as a key before it was accepted)
      (current) => ({ ...current, event, records: upsert(current?.records ?? [], pending, false) }),
      undefined,
      tagOf,
    )
    this.#remember(eventKey, merged)
  }

  /**
   * Writes the records. A succeeded record is the idempotency record of its handler for the event's key (see
   * `Store.recordDeliveries`): in the same write when the key is the event's id, else marked in the key's entry
   * beside it.
   */
  async record(records: readonly DeliveryRecord[]): Promise<void> {
    await Promise.all(
      [...byEvent(records)].map(async ([eventId, batch]) => {
        const key = `e.${toKeyToken(eventId)}`
        // An entry this node does not know (another node accepted the event, or it was forgotten) almost surely
        // exists: read it, then compare-and-set (a create tried first fails, and costs two more requests).
        const known = this.#known.get(key) ?? (await this.#bucket.get<LedgerDoc>(key))
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
          ...this.#markSucceeded(known?.value, batch),
        ])
        this.#remember(key, written)
        // not known before the write: an entry created by it has no event, so no key to mark
        if (known === undefined) await Promise.all(this.#markSucceeded(written.value, batch))
      }),
    )
  }

  /**
   * Whether `handler` handled `idempotencyKey`: the entry named after the key has its mark, or is the accepted
   * event with that key (its id) with a succeeded record of the handler. Always read: another node may have
   * written it since this node did.
   */
  async isProcessed(idempotencyKey: string, handler: string): Promise<boolean> {
    const doc = (await this.#bucket.get<LedgerDoc>(`e.${toKeyToken(idempotencyKey)}`))?.value
    return handled(doc, idempotencyKey, handler)
  }

  /**
   * `isProcessed` from the entry this node wrote last, without a read; undefined when it has none. Only for a
   * check nobody else can have changed the answer of since (see `FirstDeliveries`).
   */
  knownProcessed(idempotencyKey: string, handler: string): boolean | undefined {
    const key = `e.${toKeyToken(idempotencyKey)}`
    const known = this.#known.get(key)
    if (known === undefined || !this.#created.has(key)) return undefined
    return handled(known.value, idempotencyKey, handler)
  }

  /**
   * Marks `handler` as having handled `idempotencyKey` for `markTtlMs`. The marks of one turn of the event loop
   * go in one write per key: handlers of one publish finishing together do not race each other's
   * compare-and-set.
   */
  mark(idempotencyKey: string, handler: string): Promise<void> {
    const key = `e.${toKeyToken(idempotencyKey)}`
    const waiting = this.#marking.get(key)
    if (waiting !== undefined) {
      waiting.handlers.add(handler)
      return waiting.written
    }
    const handlers = new Set([handler])
    const written = nextTurn().then(() => {
      this.#marking.delete(key)
      return this.#writeMarks(key, handlers)
    })
    this.#marking.set(key, { handlers, written })
    return written
  }

  async #writeMarks(key: string, handlers: ReadonlySet<string>): Promise<void> {
    const until = Date.now() + this.#markTtlMs
    const written = await this.#bucket.mutate<LedgerDoc>(
      key,
      (current) => {
        const processed = { ...current?.processed }
        for (const handler of handlers) processed[handler] = until
        return { ...current, records: current?.records ?? [], processed }
      },
      this.#known.get(key),
      tagOf,
    )
    this.#remember(key, written)
  }

  /** Marks for the succeeded records of `batch` whose event (of `doc`) has a key other than its id. */
  #markSucceeded(doc: LedgerDoc | undefined, batch: readonly DeliveryRecord[]): Promise<void>[] {
    const event = doc?.event
    if (event === undefined || event.metadata.idempotencyKey === event.id) return []
    return batch
      .filter((record) => record.status === 'succeeded')
      .map((record) => this.mark(event.metadata.idempotencyKey, record.handler))
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

  /**
   * Keeps the revision of an open entry, or of a key's marks, for its next update; forgets a finished event's
   * (nothing more is due).
   */
  #remember(key: string, written: Revisioned<LedgerDoc>): void {
    this.#known.delete(key)
    if (written.value.event !== undefined && !isOpen(written.value)) {
      this.#created.delete(key)
      return
    }
    this.#known.set(key, written)
    if (this.#known.size > KNOWN_ENTRIES) {
      const oldest = this.#known.keys().next().value!
      this.#known.delete(oldest)
      this.#created.delete(oldest)
    }
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

/** Whether the entry `doc` of `idempotencyKey` says `handler` handled that key (see `isProcessed`). */
function handled(doc: LedgerDoc | undefined, idempotencyKey: string, handler: string): boolean {
  if (doc === undefined) return false
  if ((doc.processed?.[handler] ?? 0) > Date.now()) return true
  return (
    doc.event?.metadata.idempotencyKey === idempotencyKey &&
    doc.records.some((record) => record.handler === handler && record.status === 'succeeded')
  )
}

/** Resolves in the next turn of the event loop, after the callbacks of this one. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
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
