import { Fifo } from '../delivery/fifo.js'
import type { Event } from '../event/event.js'
import { isoNow } from '../event/iso-now.js'
import { isFinalStatus } from '../ledger/delivery-status.js'
import { pageAuditRecords } from './audit-query.js'
import { IdempotencyKeys } from './idempotency-keys.js'
import { MemoryKv } from './memory-kv.js'
import { mergeTraces } from './merge-traces.js'
import { pageEvents } from './page-events.js'
import { pendingRecord } from './pending-record.js'
import type {
  AttemptStart,
  AuditQuery,
  AuditRecord,
  DeadLetter,
  DeadLetterQuery,
  DeliveryRecord,
  EventQuery,
  KvEntry,
  KvListOptions,
  PluginState,
  Store,
  UnfinishedEvent,
} from './store.js'

/** Bounds of a `MemoryStore`; the oldest entries are dropped first when one is reached. */
export interface MemoryStoreOptions {
  /** Events kept in the ledger. Default 10,000. */
  maxEvents?: number
  /** Idempotency records kept per handler. Default 100,000. */
  maxIdempotencyKeys?: number
  /** How long an idempotency record lasts. Default 24 hours. */
  idempotencyTtlMs?: number
  /** Dead letters kept. Default 10,000. */
  maxDeadLetters?: number
  /** Audit records kept. Default 10,000. */
  maxAuditRecords?: number
}

/** What the ledger holds for an event beside the event: made with its first delivery record. */
interface Deliveries {
  /** Per handler, its delivery record. */
  records: Map<string, DeliveryRecord>
  /** Per handler, attempts started with no record since (made on the first start). */
  interrupted: Map<string, number> | undefined
}

/**
 * A `Store` in memory, bounded in size (and idempotency records in time). Nothing survives the process: use
 * `@switchyard/store-sqlite` when accepted events must outlive a crash.
 *
 * @example
 * ```ts
 * const bus = new EventBus({ store: new MemoryStore({ maxEvents: 1_000, idempotencyTtlMs: 60_000 }) })
 * ```
 */
export class MemoryStore implements Store {
  #maxEvents: number
  #maxKeys: number
  #ttlMs: number
  #maxDeadLetters: number
  #maxAuditRecords: number
  /**
   * The ledger: every event id it holds, to the accepted event (undefined while only records of it arrived). The
   * event itself is the value, with no wrapper object: each kept event is copied twice by the young-generation GC
   * (survivor space, then old space) before it is evicted, so every object and byte kept per event costs twice.
   */
  #ledger = new Map<string, Event | undefined>()
  /** Ledger event ids oldest first, for eviction (nothing else deletes from the ledger). */
  #ledgerOrder = new Fifo<string>()
  /** The delivery records of ledger events that have any (none for an event no handler subscribes to). */
  #deliveries = new Map<string, Deliveries>()
  /** Ids of accepted events with a handler not yet final, oldest first. */
  #unfinished = new Set<string>()
  /** Per handler (nested, so the hot lookup builds no composite key). */
  #processed = new Map<string, IdempotencyKeys>()
  #deadLetters = new Map<string, DeadLetter>()
  #plugins = new Map<string, PluginState>()
  #kv = new MemoryKv()
  #audit = new Map<string, AuditRecord>()

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxEvents = options.maxEvents ?? 10_000
    this.#maxKeys = options.maxIdempotencyKeys ?? 100_000
    this.#ttlMs = options.idempotencyTtlMs ?? 24 * 60 * 60 * 1000
    this.#maxDeadLetters = options.maxDeadLetters ?? 10_000
    this.#maxAuditRecords = options.maxAuditRecords ?? 10_000
  }

  async acceptEvent(event: Event, handlers: readonly string[]): Promise<void> {
    this.#keep(event)
    const known = this.#deliveries.get(event.id)
    if (handlers.length === 0 && known === undefined) return
    const updatedAt = isoNow()
    const deliveries = known ?? this.#deliveriesOf(event.id)
    const records = deliveries.records
    for (const handler of handlers) {
      if (!records.has(handler)) records.set(handler, pendingRecord(event.id, handler, updatedAt))
    }
    this.#track(event.id, event, deliveries)
  }

  async recordDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    for (const record of records) {
      const event = this.#enter(record.eventId, undefined)
      const deliveries = this.#deliveriesOf(record.eventId)
      const current = deliveries.records.get(record.handler)
      if (keepsSucceeded(current, record)) continue
      const traces = mergeTraces(current?.traces, record.traces)
      deliveries.records.set(record.handler, traces === undefined ? { ...record } : { ...record, traces })
      // The succeeded row of an accepted event is its handler's idempotency record.
      if (record.status === 'succeeded' && event !== undefined)
        this.#mark(event.metadata.idempotencyKey, record.handler)
      deliveries.interrupted?.delete(record.handler)
      this.#track(record.eventId, event, deliveries)
    }
  }

  async recordAttemptStarts(starts: readonly AttemptStart[]): Promise<void> {
    for (const { eventId, handler } of starts) {
      const deliveries = this.#deliveries.get(eventId)
      const record = deliveries?.records.get(handler)
      if (deliveries === undefined || record === undefined || isFinalStatus(record.status)) continue
      deliveries.interrupted ??= new Map()
      deliveries.interrupted.set(handler, (deliveries.interrupted.get(handler) ?? 0) + 1)
    }
  }

  async deliveries(eventId: string): Promise<DeliveryRecord[]> {
    const records = this.#deliveries.get(eventId)?.records
    return records === undefined ? [] : [...records.values()].map((record) => ({ ...record }))
  }

  async listEvents(query: EventQuery): Promise<Event[]> {
    return pageEvents(this.#acceptedEvents(), query)
  }

  *#acceptedEvents(): Generator<Event> {
    for (const event of this.#ledger.values()) if (event !== undefined) yield event
  }

  async unfinishedEvents(): Promise<UnfinishedEvent[]> {
    const result: UnfinishedEvent[] = []
    for (const id of this.#unfinished) {
      // Only an accepted event with a record not final is unfinished, so both exist.
      const { records, interrupted } = this.#deliveries.get(id)!
      const handlers = [...records.values()].filter((r) => !isFinalStatus(r.status)).map((r) => r.handler)
      const unfinished: UnfinishedEvent = { event: this.#ledger.get(id)!, handlers }
      if (interrupted !== undefined && interrupted.size > 0)
        unfinished.interrupted = Object.fromEntries(interrupted)
      result.push(unfinished)
    }
    return result
  }

  async isProcessed(idempotencyKey: string, handler: string): Promise<boolean> {
    return this.isProcessedSync(idempotencyKey, handler)
  }

  async markProcessed(idempotencyKey: string, handler: string): Promise<void> {
    this.markProcessedSync(idempotencyKey, handler)
  }

  /** `isProcessed` without a promise: the bus uses it to skip an await per idempotent delivery. */
  isProcessedSync(idempotencyKey: string, handler: string): boolean {
    return this.#processed.get(handler)?.has(idempotencyKey) ?? false
  }

  /** `markProcessed` without a promise. */
  markProcessedSync(idempotencyKey: string, handler: string): void {
    this.#mark(idempotencyKey, handler)
  }

  #mark(idempotencyKey: string, handler: string): void {
    let keys = this.#processed.get(handler)
    if (keys === undefined) {
      keys = new IdempotencyKeys(this.#maxKeys, this.#ttlMs)
      this.#processed.set(handler, keys)
    }
    keys.add(idempotencyKey)
  }

  async addDeadLetter(deadLetter: DeadLetter): Promise<void> {
    this.#deadLetters.set(deadLetter.id, { ...deadLetter })
    evictOldest(this.#deadLetters, this.#maxDeadLetters)
  }

  async listDeadLetters(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const { handler, after, limit = Number.POSITIVE_INFINITY } = query
    return [...this.#deadLetters.values()]
      .filter(
        (dl) => (handler === undefined || dl.handler === handler) && (after === undefined || dl.id > after),
      )
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
      .map((dl) => ({ ...dl }))
  }

  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    const deadLetter = this.#deadLetters.get(id)
    return deadLetter === undefined ? undefined : { ...deadLetter }
  }

  async deleteDeadLetter(id: string): Promise<boolean> {
    return this.#deadLetters.delete(id)
  }

  async purgeDeadLetters(before: Date): Promise<number> {
    return deleteOlder(this.#deadLetters, (deadLetter) => deadLetter.failedAt, before)
  }

  async getPluginState(plugin: string): Promise<PluginState | undefined> {
    const state = this.#plugins.get(plugin)
    return state === undefined ? undefined : { ...state }
  }

  async setPluginState(plugin: string, state: PluginState): Promise<void> {
    this.#plugins.set(plugin, { ...state })
  }

  async forgetPlugin(plugin: string): Promise<void> {
    this.#plugins.delete(plugin)
    this.#kv.dropNamespace(plugin)
  }

  async kvGet(namespace: string, key: string): Promise<unknown | undefined> {
    return this.#kv.get(namespace, key)
  }

  async kvSet(namespace: string, key: string, value: unknown, options?: { ttlMs?: number }): Promise<void> {
    this.#kv.set(namespace, key, value, options?.ttlMs)
  }

  async kvDelete(namespace: string, key: string): Promise<boolean> {
    return this.#kv.delete(namespace, key)
  }

  async kvList(namespace: string, options: KvListOptions = {}): Promise<KvEntry[]> {
    return this.#kv.list(namespace, options)
  }

  async addAuditRecord(record: AuditRecord): Promise<void> {
    this.#audit.set(record.id, { ...record, scopes: [...record.scopes] })
    evictOldest(this.#audit, this.#maxAuditRecords)
  }

  async listAuditRecords(query: AuditQuery = {}): Promise<AuditRecord[]> {
    return pageAuditRecords(this.#audit.values(), query)
  }

  async purgeAuditRecords(before: Date): Promise<number> {
    return deleteOlder(this.#audit, (record) => record.time, before)
  }

  async close(): Promise<void> {}

  /**
   * Puts `eventId` in the ledger if it is not there yet (evicting the oldest past `maxEvents`), with `event` when
   * given; returns the event the ledger holds for it.
   */
  #enter(eventId: string, event: Event | undefined): Event | undefined {
    if (!this.#ledger.has(eventId)) {
      this.#ledger.set(eventId, event)
      this.#added(eventId)
      return this.#ledger.get(eventId)
    }
    if (event === undefined) return this.#ledger.get(eventId)
    this.#ledger.set(eventId, event)
    return event
  }

  /**
   * `#enter` of an accepted event in one ledger lookup instead of three (has, set, get): every accept enters the
   * ledger, whose 10,000 old ids make each lookup a few cache misses.
   */
  #keep(event: Event): void {
    const size = this.#ledger.size
    this.#ledger.set(event.id, event)
    if (this.#ledger.size > size) this.#added(event.id)
  }

  /** Puts a new ledger id in eviction order, evicting the oldest past `maxEvents`. */
  #added(eventId: string): void {
    this.#ledgerOrder.push(eventId)
    if (this.#ledger.size > this.#maxEvents) {
      const oldest = this.#ledgerOrder.shift()!
      this.#ledger.delete(oldest)
      this.#deliveries.delete(oldest)
      this.#unfinished.delete(oldest)
    }
  }

  /** The delivery records of `eventId`, made on first use; kept only while the event is in the ledger. */
  #deliveriesOf(eventId: string): Deliveries {
    let deliveries = this.#deliveries.get(eventId)
    if (deliveries === undefined) {
      deliveries = { records: new Map(), interrupted: undefined }
      if (this.#ledger.has(eventId)) this.#deliveries.set(eventId, deliveries)
    }
    return deliveries
  }

  #track(eventId: string, event: Event | undefined, deliveries: Deliveries): void {
    if (!this.#ledger.has(eventId)) return
    const open = event !== undefined && [...deliveries.records.values()].some((r) => !isFinalStatus(r.status))
    if (open) this.#unfinished.add(eventId)
    else this.#unfinished.delete(eventId)
  }
}

/** Deletes the entries whose RFC 3339 time is before `before`; returns how many. */
function deleteOlder<T>(map: Map<string, T>, timeOf: (entry: T) => string, before: Date): number {
  let deleted = 0
  for (const [id, entry] of map) {
    if (Date.parse(timeOf(entry)) < before.getTime()) {
      map.delete(id)
      deleted++
    }
  }
  return deleted
}

function evictOldest(map: Map<string, unknown>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value!)
}

/** The same event delivered again (`skipped_duplicate`) leaves the succeeded record of its handler as it is. */
function keepsSucceeded(current: DeliveryRecord | undefined, record: DeliveryRecord): boolean {
  return current?.status === 'succeeded' && record.status === 'skipped_duplicate'
}
