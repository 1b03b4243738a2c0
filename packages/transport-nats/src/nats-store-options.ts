import * as v from 'valibot'
import { connectionEntries, type NatsConnectionOptions } from './connection/open-connection.js'
import { natsName, parseOptions, positiveInt } from './parse-options.js'

/** Options of `connectNatsStore`. */
export interface NatsStoreOptions extends NatsConnectionOptions {
  /** Prefix of the KV bucket names (`<prefix>_ledger`, `_processed`, `_dead_letters`, `_plugins`, `_kv`, `_audit`). Default `switchyard`. */
  bucketPrefix?: string
  /**
   * How long an idempotency mark lasts: `markProcessed` (a published event's delivery) and the success of an event
   * given its own idempotencyKey; at most `ledgerTtlMs`, the ledger keeps them. An event keyed by its id (the
   * default) has its succeeded ledger record as its idempotency record, for as long as the ledger keeps it.
   * Default 24 hours.
   */
  idempotencyTtlMs?: number
  /** How long the delivery ledger of an event is kept (the bucket's TTL). Default 7 days. */
  ledgerTtlMs?: number
  /** Bucket replicas in a clustered JetStream. Default 1. */
  replicas?: number
  /**
   * Backpressure: how many events' ledger writes (accepts and outcome updates) may be in flight on this store
   * before `acceptEvent`, and so `bus.enqueue`, waits for some to finish. Outcome writes never wait, so a busy
   * node drains before it takes more. Default 256; raise it when the server is far away (many writes in
   * flight per round trip), lower it to keep enqueue latency short under overload.
   */
  maxLedgerWritesInFlight?: number
}

const schema = v.object({
  ...connectionEntries,
  bucketPrefix: v.optional(natsName),
  idempotencyTtlMs: v.optional(positiveInt),
  ledgerTtlMs: v.optional(positiveInt),
  replicas: v.optional(v.pipe(positiveInt, v.maxValue(5))),
  maxLedgerWritesInFlight: v.optional(positiveInt),
})

/** Options with their defaults applied. */
export type ResolvedStoreOptions = NatsStoreOptions &
  Required<
    Pick<
      NatsStoreOptions,
      'bucketPrefix' | 'idempotencyTtlMs' | 'ledgerTtlMs' | 'replicas' | 'maxLedgerWritesInFlight'
    >
  >

/** Validates the options (`E_CONFIG` naming each bad key) and applies the defaults. */
export function resolveStoreOptions(input: NatsStoreOptions): ResolvedStoreOptions {
  const options = parseOptions(schema, input, 'store') as NatsStoreOptions
  return {
    ...options,
    bucketPrefix: options.bucketPrefix ?? 'switchyard',
    idempotencyTtlMs: options.idempotencyTtlMs ?? 24 * 60 * 60 * 1000,
    ledgerTtlMs: options.ledgerTtlMs ?? 7 * 24 * 60 * 60 * 1000,
    replicas: options.replicas ?? 1,
    maxLedgerWritesInFlight: options.maxLedgerWritesInFlight ?? 256,
  }
}
