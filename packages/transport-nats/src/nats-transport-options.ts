import type { Logger } from '@switchyard/core'
import * as v from 'valibot'
import { connectionEntries, type NatsConnectionOptions } from './connection/open-connection.js'
import { natsName, parseOptions, positiveInt } from './parse-options.js'

/** Options of `connectNatsTransport`. */
export interface NatsTransportOptions extends NatsConnectionOptions {
  /** JetStream stream name, e.g. `SWITCHYARD`; created when missing. */
  stream: string
  /** Subject prefix; events go to `<prefix>.<type>`. Default: the stream name in lower case. */
  subjectPrefix?: string
  /**
   * Partitions for events with an `orderingKey`: keyed events of different partitions are handled in
   * parallel, those of one partition one at a time per handler. Default 4. Every node must use the same value.
   */
  orderingPartitions?: number
  /** Window in which the server drops a second event with the same idempotencyKey. Default 120000. */
  duplicateWindowMs?: number
  /** Drop events older than this even when a handler has not acked them; 0 (default) keeps them until acked. */
  maxAgeMs?: number
  /** Stream replicas in a clustered JetStream. Default 1. */
  replicas?: number
  /** How long `publish` keeps trying (across reconnects) before it rejects. Default 10000. */
  publishTimeoutMs?: number
  /** How long to wait for the server to confirm it read the acks (a PING's PONG) before sending them again. Default 5000. */
  ackTimeoutMs?: number
  /**
   * The server deletes a handler's consumers, and the events they still hold, when no node has consumed for
   * this long (a handler that was removed for good). Default 7 days.
   */
  consumerInactiveMs?: number
  logger?: Logger
}

const natsSubjectPrefix = v.pipe(
  v.string(),
  v.regex(
    /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
    'expected dot-separated tokens without wildcards (e.g. "switchyard")',
  ),
)

const schema = v.object({
  ...connectionEntries,
  stream: natsName,
  subjectPrefix: v.optional(natsSubjectPrefix),
  orderingPartitions: v.optional(v.pipe(positiveInt, v.maxValue(256))),
  duplicateWindowMs: v.optional(positiveInt),
  maxAgeMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  replicas: v.optional(v.pipe(positiveInt, v.maxValue(5))),
  publishTimeoutMs: v.optional(positiveInt),
  ackTimeoutMs: v.optional(positiveInt),
  consumerInactiveMs: v.optional(positiveInt),
  logger: v.optional(v.custom<Logger>((input) => typeof input === 'object' && input !== null)),
})

/** Options with their defaults applied. */
export type ResolvedTransportOptions = NatsTransportOptions &
  Required<
    Pick<
      NatsTransportOptions,
      | 'subjectPrefix'
      | 'orderingPartitions'
      | 'duplicateWindowMs'
      | 'maxAgeMs'
      | 'replicas'
      | 'publishTimeoutMs'
      | 'ackTimeoutMs'
      | 'consumerInactiveMs'
    >
  >

/** Validates the options (`E_CONFIG` naming each bad key) and applies the defaults. */
export function resolveTransportOptions(input: NatsTransportOptions): ResolvedTransportOptions {
  const options = parseOptions(schema, input, 'transport') as NatsTransportOptions
  return {
    ...options,
    subjectPrefix: options.subjectPrefix ?? options.stream.toLowerCase(),
    orderingPartitions: options.orderingPartitions ?? 4,
    duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
    maxAgeMs: options.maxAgeMs ?? 0,
    replicas: options.replicas ?? 1,
    publishTimeoutMs: options.publishTimeoutMs ?? 10_000,
    ackTimeoutMs: options.ackTimeoutMs ?? 5000,
    consumerInactiveMs: options.consumerInactiveMs ?? 7 * 24 * 60 * 60 * 1000,
  }
}
