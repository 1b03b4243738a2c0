import { jetstream } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import {
  type AttemptStart,
  type AuditQuery,
  type AuditRecord,
  type DeadLetter,
  type DeadLetterQuery,
  type DeliveryRecord,
  type Event,
  type EventQuery,
  type KvEntry,
  type KvListOptions,
  type PluginState,
  pageEvents,
  type Store,
  type UnfinishedEvent,
} from '@switchyard/core'
import { jetstreamManagerOf, openConnection } from './connection/open-connection.js'
import { RequestMux } from './connection/request-mux.js'
import { FirstDeliveries } from './consumer/first-deliveries.js'
import { TransportClosedError } from './errors.js'
import { AuditBucket } from './kv/audit-bucket.js'
import { DeadLetterBucket } from './kv/dead-letter-bucket.js'
import { DeliveryLedger } from './kv/delivery-ledger.js'
import { FlowBucket } from './kv/flow-bucket.js'
import { JsonBucket } from './kv/json-bucket.js'
import { toKeyToken } from './kv/key-token.js'
import { LeaseKeeper } from './kv/lease-keeper.js'
import { LegacyProcessed } from './kv/legacy-processed.js'
import { PluginKvBucket } from './kv/plugin-kv-bucket.js'
import { WriteWindow } from './kv/write-window.js'
import {
  type NatsStoreOptions,
  type ResolvedStoreOptions,
  resolveStoreOptions,
} from './nats-store-options.js'

/** The buckets of one store. */
interface Buckets {
  ledger: JsonBucket
  /** Idempotency records of earlier versions, read while they last (see `LegacyProcessed`). */
  processed: JsonBucket
  deadLetters: JsonBucket
  plugins: JsonBucket
  kv: JsonBucket
  audit: JsonBucket
  flow: JsonBucket
}

/** Flow-control records nobody touched for this long expire (a window or burst longer than it does not hold). */
const FLOW_TTL_MS = 7 * 24 * 3600_000
/** How long a KV read or write waits for its answer: nats.js's JetStream default, which the store used before. */
const KV_REQUEST_TIMEOUT_MS = 5000

/**
 * The core `Store` in JetStream KV buckets, so every node shares idempotency records, dead letters, the
 * delivery ledger, plugin state, plugin KV and the audit trail. The event stream of `NatsTransport` is the durable outbox of
 * accepted events; this store only keeps the ledger beside it. Create it with `connectNatsStore`.
 *
 * @example
 * ```ts
 * const store = await connectNatsStore({ servers: 'nats://127.0.0.1:4222' })
 * await store.markProcessed('order-1', 'audit_log')
 * await store.isProcessed('order-1', 'audit_log') // true, on every node
 * ```
 */
export class NatsStore implements Store {
  /** The bucket names, e.g. to inspect them with the `nats` CLI. */
  readonly buckets: readonly string[]
  readonly #buckets: Buckets
  /** Throttle and rate-limit windows, keyed-concurrency slots and debounce bursts, shared by every node. */
  readonly flowState: FlowBucket
  readonly #ledger: DeliveryLedger
  readonly #legacyProcessed: LegacyProcessed
  /** First deliveries the transport on this connection runs (see `isProcessed`). */
  readonly #firstDeliveries: FirstDeliveries
  readonly #deadLetters: DeadLetterBucket
  readonly #kv: PluginKvBucket
  readonly #audit: AuditBucket
  readonly #leases: LeaseKeeper
  /** Ledger writes in flight; accepts wait while it is full. */
  readonly #writes: WriteWindow
  readonly #nc: NatsConnection
  readonly #mux: RequestMux
  readonly #ownsConnection: boolean
  #closed = false

  /** Use `connectNatsStore`. */
  constructor(
    nc: NatsConnection,
    mux: RequestMux,
    buckets: Buckets,
    legacyProcessed: LegacyProcessed,
    ownsConnection: boolean,
    options: Pick<ResolvedStoreOptions, 'maxLedgerWritesInFlight' | 'idempotencyTtlMs'>,
  ) {
    this.#nc = nc
    this.#mux = mux
    this.#buckets = buckets
    this.buckets = Object.values(buckets).map((bucket) => bucket.name)
    this.#ledger = new DeliveryLedger(buckets.ledger, options.idempotencyTtlMs)
    this.#legacyProcessed = legacyProcessed
    this.#firstDeliveries = FirstDeliveries.of(nc)
    this.#deadLetters = new DeadLetterBucket(buckets.deadLetters)
    this.#kv = new PluginKvBucket(buckets.kv)
    this.#audit = new AuditBucket(buckets.audit)
    this.flowState = new FlowBucket(buckets.flow)
    // Plugin state keys are single tokens, so `lease.<name>` keys do not meet them.
    this.#leases = new LeaseKeeper(buckets.plugins)
    this.#ownsConnection = ownsConnection
    this.#writes = new WriteWindow(options.maxLedgerWritesInFlight)
  }

  /** Waits while `maxLedgerWritesInFlight` ledger writes are in flight (backpressure), then writes the event's entry. */
  acceptEvent(event: Event, handlers: readonly string[]): Promise<void> {
    this.#open()
    return this.#writes.admit(1, () => this.#ledger.accept(event, handlers))
  }

  /**
   * Writes the ledger records. A succeeded one is its handler's idempotency record: for an event keyed by its own
   * id it is the record itself (the ledger entry is named after the key), else the key's entry is marked in the
   * same call: the bus writes nothing more for an enqueued delivery. Never waits for backpressure: these writes
   * are what drains it.
   */
  recordDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    this.#open()
    return this.#writes.track(records.length, () => this.#ledger.record(records))
  }

  recordAttemptStarts(starts: readonly AttemptStart[]): Promise<void> {
    this.#open()
    return this.#ledger.start(starts)
  }

  /** See `Store.listEvents`: the ledger's events, by `time` then id. */
  async listEvents(query: EventQuery): Promise<Event[]> {
    this.#open()
    return pageEvents(await this.#ledger.events(), query)
  }

  deliveries(eventId: string): Promise<DeliveryRecord[]> {
    return this.#ledger.deliveries(eventId)
  }

  unfinishedEvents(): Promise<UnfinishedEvent[]> {
    return this.#ledger.unfinished()
  }

  /**
   * One read of the ledger entry named after the key (and of an earlier version's record while any may last). For
   * the first delivery of an event this node accepted, run by a `NatsTransport` on this store's connection, no
   * read: nobody else can have written that event's entry since this node did (see `FirstDeliveries`).
   */
  async isProcessed(idempotencyKey: string, handler: string): Promise<boolean> {
    const known = this.#firstDeliveries.has(idempotencyKey, handler)
      ? this.#ledger.knownProcessed(idempotencyKey, handler)
      : undefined
    const [inLedger, legacy] = await Promise.all([
      known ?? this.#ledger.isProcessed(idempotencyKey, handler),
      this.#legacyProcessed.has(idempotencyKey, handler),
    ])
    return inLedger || legacy
  }

  /** Marks the handler in the ledger entry named after the key, for `idempotencyTtlMs`. */
  markProcessed(idempotencyKey: string, handler: string): Promise<void> {
    this.#open()
    return this.#ledger.mark(idempotencyKey, handler)
  }

  addDeadLetter(deadLetter: DeadLetter): Promise<void> {
    this.#open()
    return this.#deadLetters.add(deadLetter)
  }

  listDeadLetters(query?: DeadLetterQuery): Promise<DeadLetter[]> {
    return this.#deadLetters.list(query)
  }

  getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return this.#deadLetters.get(id)
  }

  deleteDeadLetter(id: string): Promise<boolean> {
    return this.#deadLetters.delete(id)
  }

  purgeDeadLetters(before: Date): Promise<number> {
    return this.#deadLetters.purge(before)
  }

  async getPluginState(plugin: string): Promise<PluginState | undefined> {
    return (await this.#buckets.plugins.get<PluginState>(toKeyToken(plugin)))?.value
  }

  setPluginState(plugin: string, state: PluginState): Promise<void> {
    this.#open()
    return this.#buckets.plugins.put(toKeyToken(plugin), state)
  }

  async forgetPlugin(plugin: string): Promise<void> {
    await Promise.all([this.#buckets.plugins.forget(toKeyToken(plugin)), this.#kv.dropNamespace(plugin)])
  }

  /** See `Store.acquireLease`: a compare-and-set on the key `lease.<name>` of the plugins bucket. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    this.#open()
    return this.#leases.acquire(name, holder, ttlMs)
  }

  kvGet(namespace: string, key: string): Promise<unknown | undefined> {
    return this.#kv.get(namespace, key)
  }

  kvSet(namespace: string, key: string, value: unknown, options?: { ttlMs?: number }): Promise<void> {
    this.#open()
    return this.#kv.set(namespace, key, value, options?.ttlMs)
  }

  kvDelete(namespace: string, key: string): Promise<boolean> {
    return this.#kv.delete(namespace, key)
  }

  kvList(namespace: string, options: KvListOptions = {}): Promise<KvEntry[]> {
    return this.#kv.list(namespace, options)
  }

  /** Acknowledged by the server (stored in JetStream) before it resolves. */
  addAuditRecord(record: AuditRecord): Promise<void> {
    this.#open()
    return this.#audit.add(record)
  }

  listAuditRecords(query?: AuditQuery): Promise<AuditRecord[]> {
    return this.#audit.list(query)
  }

  purgeAuditRecords(before: Date): Promise<number> {
    return this.#audit.purge(before)
  }

  /** Writes are acknowledged by the server before they resolve, so closing only releases the connection. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#mux.close()
    if (this.#ownsConnection && !this.#nc.isClosed()) await this.#nc.drain()
  }

  /** Deletes every bucket of this store (tests and teardown of a whole cluster). */
  async destroy(): Promise<void> {
    await Promise.all(Object.values(this.#buckets).map((bucket) => bucket.destroy()))
  }

  #open(): void {
    if (this.#closed) throw new TransportClosedError('store')
  }
}

/**
 * Connects to NATS (or uses `options.connection`), opens or creates the store's KV buckets and returns the store.
 * Throws `ConfigError` (E_CONFIG), `TransportConnectError` (E_TRANSPORT_CONNECT) or `TransportSetupError`
 * (E_TRANSPORT_SETUP) naming the bucket.
 *
 * @example
 * ```ts
 * const transport = await connectNatsTransport({ servers: 'nats://127.0.0.1:4222', stream: 'SWITCHYARD' })
 * const store = await connectNatsStore({ servers: 'nats://127.0.0.1:4222', connection: transport.connection })
 * const bus = new EventBus({ transport, store })
 * ```
 */
export async function connectNatsStore(input: NatsStoreOptions): Promise<NatsStore> {
  const options = resolveStoreOptions(input)
  const { nc, owned } = await openConnection(options)
  let mux: RequestMux | undefined
  try {
    await jetstreamManagerOf(nc, options.servers)
    const js = jetstream(nc)
    const kvm = new Kvm(js)
    const requests = new RequestMux(nc, KV_REQUEST_TIMEOUT_MS)
    mux = requests
    const open = (suffix: string, ttlMs: number): Promise<JsonBucket> =>
      JsonBucket.open(kvm, js, requests, `${options.bucketPrefix}_${suffix}`, {
        ttlMs,
        replicas: options.replicas,
      })
    const [ledger, processed, deadLetters, plugins, kv, audit, flow] = await Promise.all([
      open('ledger', options.ledgerTtlMs),
      open('processed', options.idempotencyTtlMs),
      open('dead_letters', 0),
      open('plugins', 0),
      open('kv', 0),
      // Kept until the server's audit retention purges it.
      open('audit', 0),
      open('flow', FLOW_TTL_MS),
    ])
    const buckets = { ledger, processed, deadLetters, plugins, kv, audit, flow }
    const legacyProcessed = await LegacyProcessed.open(processed)
    return new NatsStore(nc, requests, buckets, legacyProcessed, owned, options)
  } catch (error) {
    await mux?.close()
    if (owned) await nc.close()
    throw error
  }
}
