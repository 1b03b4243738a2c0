import type { AttemptTrace } from '../delivery/attempt-trace.js'
import type { DeliveryStatus, PendingDeliveryStatus } from '../delivery/delivery.js'
import type { DeliveryError } from '../delivery/delivery-error.js'
import type { Event } from '../event/event.js'
import type { FlowState } from '../flow/flow-state.js'

/** One (event, handler) row of the delivery ledger. */
export interface DeliveryRecord {
  eventId: string
  handler: string
  status: DeliveryStatus | PendingDeliveryStatus
  attempts: number
  durationMs: number
  /** The last error, if any (see `DeliveryOutcome.error`). */
  error?: DeliveryError
  /** RFC 3339. */
  updatedAt: string
  /**
   * The trace of each attempt, by attempt number, when the bus traces. A record's traces are added to those the
   * row has (`recordDeliveries`): one record per transport delivery, each bringing its attempt's.
   */
  traces?: AttemptTrace[]
  /** RFC 3339: when a delayed event's delivery is due (set on its `scheduled` record). */
  dueAt?: string
}

/** An event that one handler could not process after its last attempt. */
export interface DeadLetter {
  /** Id of the dead letter itself (UUID v7), the cursor for listing. */
  id: string
  event: Event
  handler: string
  attempts: number
  error: string
  /** RFC 3339. */
  failedAt: string
}

/** Filter and page for `Store.listDeadLetters`; results are oldest first. */
export interface DeadLetterQuery {
  handler?: string
  /** Return dead letters whose id sorts after this one (the last id of the previous page). */
  after?: string
  limit?: number
}

/** Which accepted events `Store.listEvents` returns, oldest first. */
export interface EventQuery {
  /** RFC 3339: events whose `time` is at or after this. */
  since: string
  /** RFC 3339: events whose `time` is before this. */
  until?: string
  /** Events accepted after this one (the last id of the previous page). */
  after?: string
  limit?: number
}

/** An accepted event with the handlers that have not reached a final state yet. */
export interface UnfinishedEvent {
  event: Event
  handlers: string[]
  /**
   * Per handler of `handlers`, how many attempts were recorded as started (`recordAttemptStarts`) with no
   * delivery record written after them: each is a process that died while the handler ran. Handlers with none
   * may be left out.
   */
  interrupted?: Readonly<Record<string, number>>
}

/** One delivery whose attempt is about to start: its event and handler. */
export interface AttemptStart {
  eventId: string
  handler: string
}

/** Persisted runtime state of a plugin, so enable/disable survives a restart. */
export interface PluginState {
  enabled: boolean
  /** RFC 3339. */
  updatedAt: string
}

/** One key of a plugin's KV namespace. */
export interface KvEntry {
  key: string
  value: unknown
}

/** Filter and page for `Store.kvList`. */
export interface KvListOptions {
  prefix?: string
  /** Return keys that sort after this one (the last key of the previous page). */
  after?: string
  limit?: number
}

/**
 * One management request as the audit trail keeps it: who (token name and scopes, source address), what (method,
 * path, action, target plugin or dead letter), when, and how it ended (the answer's status).
 */
export interface AuditRecord {
  /** UUID v7 (time-ordered): the cursor for listing. */
  id: string
  /** RFC 3339, when the request arrived. */
  time: string
  /**
   * Name of the token the request carried, or of the principal a plugin authenticated (see `authenticatedBy`);
   * null when it carried none the server knows.
   */
  token: string | null
  scopes: string[]
  /** The plugin whose `auth.authenticate` contribution named the principal (a JWT's subject); absent for static tokens. */
  authenticatedBy?: string
  method: string
  path: string
  /** The operation: method and route pattern, e.g. `POST /api/v1/events/plugins/:name/disable`. */
  action: string
  /** The plugin, package, dead letter or event the request named, when it named one. */
  target: string | null
  /** HTTP status of the answer. */
  status: number
  requestId: string
  /** The client's address. */
  source: string
}

/** Filter and page for `Store.listAuditRecords`; results are oldest first. */
export interface AuditQuery {
  /** RFC 3339: records at or after this time. */
  from?: string
  /** RFC 3339: records before this time. */
  to?: string
  /** Token name, exactly. */
  token?: string
  /** Text the action contains, case-insensitive (`disable`, `POST /api/v1/plugins/install`). */
  action?: string
  /** Records whose id sorts after this one (the last id of the previous page). */
  after?: string
  limit?: number
}

/**
 * Where the bus keeps what must outlive one delivery: the outbox of accepted events, the per-handler delivery
 * ledger, idempotency records, dead letters, plugin state, plugin KV and the audit trail of management requests.
 * The in-memory store is the first
 * implementation; `@switchyard/store-sqlite` and `@switchyard/transport-nats` provide durable ones. Every
 * implementation runs `runStoreContract` from `@switchyard/core/testing`.
 *
 * @example
 * ```ts
 * const bus = new EventBus({ store: new MemoryStore({ maxEvents: 10_000 }) })
 * ```
 */
export interface Store {
  /**
   * Optional: flow-control records shared with every process using this store (windows, key slots, debounce
   * bursts; see `FlowState`). A bus on a non-local transport uses it so throttle, rate limit, keyed concurrency
   * and debounce hold cluster-wide (`NatsStore`).
   */
  readonly flowState?: FlowState
  /**
   * Accepts an event with the handlers it must reach. Resolves once the event is kept as durably as the store
   * can keep it (on disk for a durable store): `enqueue` answers only after this.
   */
  acceptEvent(event: Event, handlers: readonly string[]): Promise<void>
  /**
   * Records progress or the final state of deliveries. Once every handler of an accepted event is final, the
   * event no longer counts as unfinished. Batched: the bus passes all records it has ready at once.
   *
   * A `skipped_duplicate` record does not replace a `succeeded` one of the same delivery (the same event
   * delivered again: its handler did handle it).
   *
   * A `succeeded` record of an accepted event is also the idempotency record of its handler for the event's
   * `metadata.idempotencyKey`: afterwards `isProcessed(key, handler)` answers true (for as long as the store
   * keeps that ledger row), so an enqueued delivery needs no `markProcessed` write of its own.
   *
   * A record's `traces` are merged into the row's (`mergeTraces`), not put in their place.
   */
  recordDeliveries(records: readonly DeliveryRecord[]): Promise<void>
  /**
   * Records that an attempt of each of these deliveries is about to start; the bus runs the handler once this
   * resolved. Each start raises the delivery's `interrupted` count (see `UnfinishedEvent`) by one, and the next
   * `recordDeliveries` record of that delivery sets it back to 0, so what is left after a restart counts the
   * processes that died while the handler ran. Starts of deliveries without an open ledger row are ignored.
   * It only has to outlive the process, not the machine, and it may be applied before writes of calls that
   * have not resolved yet: the bus calls it after the records it must follow resolved.
   */
  recordAttemptStarts(starts: readonly AttemptStart[]): Promise<void>
  /** The ledger of one event, one record per handler, or an empty list when the event is unknown. */
  deliveries(eventId: string): Promise<DeliveryRecord[]>
  /** Accepted events with handlers not yet final, oldest first: what to resume after a restart. */
  unfinishedEvents(): Promise<UnfinishedEvent[]>
  /**
   * Optional: the accepted (enqueued) events the store still keeps whose `time` is in the query's window, in the
   * order they were accepted, paged after an event id: what `EventBus.replayHandler` runs again. Published
   * events (`EventBus.publish`) are not kept, so not listed.
   */
  listEvents?(query: EventQuery): Promise<Event[]>

  /**
   * Whether `handler` already succeeded for `idempotencyKey`: marked with `markProcessed`, or a `succeeded` ledger
   * record of an accepted event with that key (see `recordDeliveries`). Asked once per idempotent delivery, so a
   * store answers it from an index or memory it keeps hot.
   */
  isProcessed(idempotencyKey: string, handler: string): Promise<boolean>
  /** Remembers that `handler` succeeded for `idempotencyKey` (a published event's delivery, which has no ledger row). */
  markProcessed(idempotencyKey: string, handler: string): Promise<void>
  /**
   * Optional, for stores that can answer at once (records in memory, a synchronous database driver):
   * `isProcessed` answered synchronously. The bus uses each sync method present instead of its async
   * counterpart (an await less per delivery).
   */
  isProcessedSync?(idempotencyKey: string, handler: string): boolean
  /** Optional: `markProcessed` done synchronously (see `isProcessedSync`). */
  markProcessedSync?(idempotencyKey: string, handler: string): void

  addDeadLetter(deadLetter: DeadLetter): Promise<void>
  listDeadLetters(query?: DeadLetterQuery): Promise<DeadLetter[]>
  getDeadLetter(id: string): Promise<DeadLetter | undefined>
  /** Resolves to false when there was no such dead letter. */
  deleteDeadLetter(id: string): Promise<boolean>
  /** Deletes dead letters that failed before `before`; resolves to how many were deleted. */
  purgeDeadLetters(before: Date): Promise<number>

  getPluginState(plugin: string): Promise<PluginState | undefined>
  setPluginState(plugin: string, state: PluginState): Promise<void>
  /** Forgets everything kept for a plugin: its state and its KV namespace (used by uninstall). */
  forgetPlugin(plugin: string): Promise<void>

  kvGet(namespace: string, key: string): Promise<unknown | undefined>
  /** Stores a JSON-serialisable value; with `ttlMs` it expires after that long. */
  kvSet(namespace: string, key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>
  kvDelete(namespace: string, key: string): Promise<boolean>
  /**
   * Entries of a namespace in key order (JavaScript string order), optionally under a key prefix, only keys
   * sorting after `after` (the last key of the previous page), at most `limit`.
   */
  kvList(namespace: string, options?: KvListOptions): Promise<KvEntry[]>

  /** Keeps one audit record; resolves once it is kept as durably as the store keeps events. */
  addAuditRecord(record: AuditRecord): Promise<void>
  /** Audit records matching the query, oldest first. */
  listAuditRecords(query?: AuditQuery): Promise<AuditRecord[]>
  /** Deletes audit records older than `before`; resolves to how many were deleted. */
  purgeAuditRecords(before: Date): Promise<number>

  /**
   * Optional, for a Store several nodes share (NATS): acquires the lease `name` for `holder`, or renews it when
   * `holder` has it, for `ttlMs` from now; resolves to false while another holder's lease runs. Work that must
   * run once cluster-wide (due delayed events, cron ticks) runs on the holder. A Store without it serves one
   * node, which always leads.
   */
  acquireLease?(name: string, holder: string, ttlMs: number): Promise<boolean>

  /** Flushes pending writes and releases resources. */
  close(): Promise<void>
}
