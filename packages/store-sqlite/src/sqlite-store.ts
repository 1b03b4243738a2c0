import {
  type AttemptStart,
  type AuditQuery,
  type AuditRecord,
  type DeadLetter,
  type DeadLetterQuery,
  type DeliveryRecord,
  type Event,
  type EventQuery,
  isFinalStatus,
  type KvEntry,
  type KvListOptions,
  type PluginState,
  pageEvents,
  type Store,
  type UnfinishedEvent,
} from '@switchyard/core'
import type { Database } from 'better-sqlite3'
import { StoreClosedError } from './errors.js'
import { eventJson } from './event-json.js'
import { openDatabase } from './schema/open-database.js'
import { SharedReads } from './shared-reads.js'
import {
  type ResolvedSqliteStoreOptions,
  resolveSqliteStoreOptions,
  type SqliteStoreOptions,
} from './sqlite-store-options.js'
import { StartJournal } from './start-journal.js'
import { AuditTable } from './tables/audit-table.js'
import { DeadLetterTable } from './tables/dead-letter-table.js'
import { type AcceptedEvent, EventLedger } from './tables/event-ledger.js'
import { EventsBeyondLimit } from './tables/events-beyond-limit.js'
import { IdempotencyRecords } from './tables/idempotency-records.js'
import { PluginData } from './tables/plugin-data.js'
import { UnprocessedKeys } from './tables/unprocessed-keys.js'
import { toJson } from './to-json.js'
import { WalSync } from './wal-sync.js'
import { type WriteGroup, WriteQueue } from './write-queue.js'

/** How many rows one retention run deleted, per kind. */
export interface PruneResult {
  events: number
  idempotencyRecords: number
  kvEntries: number
}

/** SQLite's LIMIT -1: no limit. */
const UNLIMITED = -1

/**
 * The durable embedded `Store`: one SQLite file in WAL mode holds the outbox of accepted events, the delivery
 * ledger, idempotency records, dead letters, plugin state, plugin KV and the audit trail. Writes from concurrent callers are
 * group-committed, and every write promise resolves only after its transaction committed. A bad path or a
 * corrupt file throws `StoreOpenError` from the constructor.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: 'data/switchyard.db', retention: { maxAgeMs: 86_400_000 } })
 * const bus = new EventBus({ store })
 * await bus.resume() // re-delivers what a crash interrupted
 * ```
 */
export class SqliteStore implements Store {
  /** Absolute path of the database file (or `:memory:`). */
  readonly path: string
  readonly #options: ResolvedSqliteStoreOptions
  readonly #db: Database
  readonly #queue: WriteQueue
  readonly #reads: SharedReads
  readonly #ledger: EventLedger
  readonly #beyondLimit: EventsBeyondLimit
  readonly #accepts: WriteGroup<AcceptedEvent>
  readonly #idempotency: IdempotencyRecords
  readonly #unprocessed: UnprocessedKeys
  readonly #rowChanged: (record: DeliveryRecord) => void
  readonly #deadLetters: DeadLetterTable
  readonly #plugins: PluginData
  readonly #audit: AuditTable
  readonly #retentionTimer: NodeJS.Timeout | undefined
  /** A timer's retention run (and the batches it chains) is in progress. */
  #retaining = false
  readonly #wal: WalSync | undefined
  readonly #starts: StartJournal

  constructor(options: SqliteStoreOptions) {
    this.#options = resolveSqliteStoreOptions(options)
    const durable = this.#options.synchronous === 'full' && this.#options.path !== ':memory:'
    // `full`: the connection commits without a sync and the queue syncs the WAL off the event loop (WalSync).
    this.#db = openDatabase(this.#options.path, { ...this.#options, synchronous: 'normal' })
    this.path = this.#db.name
    this.#wal = durable ? new WalSync(`${this.path}-wal`) : undefined
    this.#unprocessed = new UnprocessedKeys(this.#db)
    this.#rowChanged = (record) => this.#unprocessed.recorded(record)
    this.#reads = new SharedReads(this.#db, () => this.#unprocessed.checkVersion())
    this.#queue = new WriteQueue(this.#db, this.#options.commitDelayMs, this.#wal, this.#reads)
    this.#ledger = new EventLedger(this.#db)
    this.#beyondLimit = new EventsBeyondLimit(this.#db, this.#options.retention.maxEvents)
    this.#accepts = {
      runAll: (events) => this.#unprocessed.accept(events, () => this.#ledger.acceptAll(events, Date.now())),
    }
    this.#idempotency = new IdempotencyRecords(this.#db)
    this.#deadLetters = new DeadLetterTable(this.#db)
    this.#plugins = new PluginData(this.#db)
    this.#audit = new AuditTable(this.#db)
    this.#starts = new StartJournal(
      this.#options.path === ':memory:' ? undefined : `${this.path}-starts`,
      (eventId, handler) => this.#reads.run(() => this.#ledger.isOpen(eventId, handler)),
    )
    this.#starts.open()
    const { intervalMs } = this.#options.retention
    if (intervalMs > 0) this.#retentionTimer = setInterval(() => this.#runRetention(), intervalMs).unref()
  }

  /**
   * Accepts queued together go in one statement per table (see `MultiRowInsert`). Not an async function: its
   * promise is the commit's, without one more wrapped around it for every event.
   */
  acceptEvent(event: Event, handlers: readonly string[]): Promise<void> {
    let accepted: AcceptedEvent
    try {
      accepted = {
        id: event.id,
        idempotencyKey: event.metadata.idempotencyKey,
        body: eventJson(event),
        handlers: [...handlers],
      }
    } catch (error) {
      return Promise.reject(error)
    }
    return this.#queue.pushTo(this.#accepts, accepted)
  }

  /** A record sets its delivery's count of starts back to 0 (see `StartJournal`). */
  async recordDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    const copies = records.map((record) => ({ ...record }))
    await this.#queue.push(() => {
      this.#ledger.record(copies, Date.now(), this.#rowChanged)
      this.#starts.reset(copies.filter((record) => !isFinalStatus(record.status)))
    })
    this.#starts.recorded(copies)
  }

  /**
   * Appended to the `StartJournal` file at once, not group-committed: the handler waits for it, and a start
   * only has to outlive the process (it counts processes dying in a handler), not the machine. A power loss may
   * lose it.
   */
  async recordAttemptStarts(starts: readonly AttemptStart[]): Promise<void> {
    if (!this.#db.open) throw new StoreClosedError()
    this.#starts.add(starts)
  }

  deliveries(eventId: string): Promise<DeliveryRecord[]> {
    return this.#read(() => this.#ledger.deliveries(eventId))
  }

  unfinishedEvents(): Promise<UnfinishedEvent[]> {
    return this.#read(() =>
      this.#ledger.unfinished((eventId, handler) => this.#starts.count(eventId, handler)),
    )
  }

  /** See `Store.listEvents`: read in acceptance order from the `events` table. */
  listEvents(query: EventQuery): Promise<Event[]> {
    return this.#read(() => {
      const { after, ...window } = query
      return pageEvents(this.#ledger.accepted(Date.parse(query.since), after), window)
    })
  }

  isProcessed(idempotencyKey: string, handler: string): Promise<boolean> {
    return this.#read(() => this.isProcessedSync(idempotencyKey, handler))
  }

  /**
   * `isProcessed` answered at once (a point read of committed data, or the keys of accepted events known to have
   * no record: see `UnprocessedKeys`), which spares the bus an await.
   */
  isProcessedSync(idempotencyKey: string, handler: string): boolean {
    if (!this.#db.open) throw new StoreClosedError()
    this.#reads.enter()
    if (this.#unprocessed.has(idempotencyKey, handler)) return false
    const since = Date.now() - this.#options.retention.idempotencyMaxAgeMs
    return this.#idempotency.has(idempotencyKey, handler, since)
  }

  async markProcessed(idempotencyKey: string, handler: string): Promise<void> {
    return this.#queue.push(() => {
      this.#unprocessed.marked(idempotencyKey, handler)
      this.#idempotency.mark(idempotencyKey, handler, Date.now())
    })
  }

  async addDeadLetter(deadLetter: DeadLetter): Promise<void> {
    const copy = { ...deadLetter }
    toJson(copy.event, `dead letter ${copy.id}`)
    return this.#queue.push(() => this.#deadLetters.add(copy))
  }

  listDeadLetters(query?: DeadLetterQuery): Promise<DeadLetter[]> {
    return this.#read(() => this.#deadLetters.list(query))
  }

  getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return this.#read(() => this.#deadLetters.get(id))
  }

  async deleteDeadLetter(id: string): Promise<boolean> {
    return this.#queue.push(() => this.#deadLetters.delete(id))
  }

  async purgeDeadLetters(before: Date): Promise<number> {
    return this.#queue.push(() => this.#deadLetters.purge(before))
  }

  getPluginState(plugin: string): Promise<PluginState | undefined> {
    return this.#read(() => this.#plugins.getState(plugin))
  }

  async setPluginState(plugin: string, state: PluginState): Promise<void> {
    const copy = { ...state }
    return this.#queue.push(() => this.#plugins.setState(plugin, copy))
  }

  async forgetPlugin(plugin: string): Promise<void> {
    return this.#queue.push(() => this.#plugins.forget(plugin))
  }

  kvGet(namespace: string, key: string): Promise<unknown | undefined> {
    return this.#read(() => this.#plugins.kvGet(namespace, key, Date.now()))
  }

  /**
   * Not an async function: its promise is the commit's (audit-log writes two entries per shipped request), without
   * an async function's promise and the two that resolving it with the commit's takes.
   */
  kvSet(namespace: string, key: string, value: unknown, options?: { ttlMs?: number }): Promise<void> {
    let json: string
    try {
      json = toJson(value, `value of ${namespace}/${key}`)
    } catch (error) {
      return Promise.reject(error)
    }
    const expiresMs = options?.ttlMs === undefined ? undefined : Date.now() + options.ttlMs
    return this.#queue.push(() => this.#plugins.kvSet(namespace, key, json, expiresMs))
  }

  kvDelete(namespace: string, key: string): Promise<boolean> {
    return this.#queue.push(() => this.#plugins.kvDelete(namespace, key, Date.now()))
  }

  kvList(namespace: string, options: KvListOptions = {}): Promise<KvEntry[]> {
    const { prefix = '', after, limit = UNLIMITED } = options
    return this.#read(() => this.#plugins.kvList(namespace, prefix, after, limit, Date.now()))
  }

  /** Committed (group-committed with other writes) before it resolves, like an accepted event. */
  async addAuditRecord(record: AuditRecord): Promise<void> {
    const copy = { ...record, scopes: [...record.scopes] }
    return this.#queue.push(() => this.#audit.add(copy))
  }

  listAuditRecords(query?: AuditQuery): Promise<AuditRecord[]> {
    return this.#read(() => this.#audit.list(query))
  }

  async purgeAuditRecords(before: Date): Promise<number> {
    return this.#queue.push(() => this.#audit.purge(before))
  }

  /**
   * One retention run: deletes up to `retention.batchSize` rows of each kind that the retention options let go.
   * The timer calls it every `retention.intervalMs`; call it yourself when the timer is off.
   */
  prune(): Promise<PruneResult> {
    return this.#pruneBatch(true)
  }

  /** A batch of retention; the batches a timer's run chains after its first do not count the events again. */
  #pruneBatch(recount: boolean): Promise<PruneResult> {
    const { maxAgeMs, idempotencyMaxAgeMs, batchSize } = this.#options.retention
    return this.#queue.push(() => {
      const now = Date.now()
      if (recount) this.#beyondLimit.recount()
      const events = this.#ledger.prune(now - maxAgeMs, this.#beyondLimit.get(), batchSize)
      this.#beyondLimit.deleted(events)
      return {
        events,
        idempotencyRecords: this.#idempotency.prune(now - idempotencyMaxAgeMs, batchSize),
        kvEntries: this.#plugins.pruneExpired(now, batchSize),
      }
    })
  }

  /** Commits pending writes, stops retention and closes the file. Idempotent. */
  async close(): Promise<void> {
    if (!this.#db.open) return
    clearInterval(this.#retentionTimer)
    this.#reads.end()
    this.#queue.close()
    this.#starts.close()
    this.#db.close()
    this.#wal?.close()
  }

  /**
   * Runs a read on committed data (in the turn's shared read transaction); after `close()` it rejects with
   * `StoreClosedError` instead of a TypeError.
   */
  #read<T>(read: () => T): Promise<T> {
    if (!this.#db.open) return Promise.reject(new StoreClosedError())
    try {
      return Promise.resolve(this.#reads.run(read))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * A timer's retention run. A full batch of any kind means more is due: the next batch follows on the next turn
   * of the event loop (behind the writes queued meanwhile), not an interval later, until a batch comes back short:
   * otherwise retention deleted at most `batchSize` per interval and fell behind any faster ingest for good.
   */
  #runRetention(): void {
    if (this.#retaining) return
    this.#retaining = true
    const { batchSize } = this.#options.retention
    const run = (first: boolean): void => {
      this.#pruneBatch(first).then(
        ({ events, idempotencyRecords, kvEntries }) => {
          const more = events === batchSize || idempotencyRecords === batchSize || kvEntries === batchSize
          if (more && this.#db.open) setImmediate(() => run(false))
          else this.#retaining = false
        },
        (error: unknown) => {
          this.#retaining = false
          this.#options.logger?.warn({ err: error, path: this.path }, 'SQLite store retention run failed')
        },
      )
    }
    run(true)
  }
}
