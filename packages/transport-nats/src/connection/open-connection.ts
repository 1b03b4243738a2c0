import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import * as v from 'valibot'
import { TransportConnectError } from '../errors.js'
import { positiveInt } from '../parse-options.js'

/** How to reach NATS; shared by `connectNatsTransport` and `connectNatsStore`. */
export interface NatsConnectionOptions {
  /** One URL or several, e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[]
  /**
   * An open connection to use instead of opening one (e.g. to share it between the transport and the store).
   * It is not closed by `close()`: its owner closes it.
   */
  connection?: NatsConnection
  /** Client name shown by the server's monitoring. */
  name?: string
  /** Wait between reconnect attempts; jittered by nats.js. Default 1000. */
  reconnectTimeWaitMs?: number
  /** Give up reconnecting after this many attempts; -1 (default) never gives up. */
  maxReconnectAttempts?: number
  /** How long the first connection may take. Default 5000. */
  connectTimeoutMs?: number
  user?: string
  pass?: string
  token?: string
}

/** The valibot entries of `NatsConnectionOptions`, spread into each options schema. */
export const connectionEntries = {
  servers: v.union(
    [v.pipe(v.string(), v.minLength(1)), v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1))],
    'expected a NATS URL or a non-empty list of them (e.g. "nats://127.0.0.1:4222")',
  ),
  connection: v.optional(v.custom<NatsConnection>((input) => typeof input === 'object' && input !== null)),
  name: v.optional(v.string()),
  reconnectTimeWaitMs: v.optional(positiveInt),
  maxReconnectAttempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(-1))),
  connectTimeoutMs: v.optional(positiveInt),
  user: v.optional(v.string()),
  pass: v.optional(v.string()),
  token: v.optional(v.string()),
}

/** A connection and whether closing it is ours to do. */
export interface OpenedConnection {
  nc: NatsConnection
  owned: boolean
}

/**
 * Returns the given connection, or opens one that reconnects with backoff forever (unless told otherwise).
 * Throws `TransportConnectError` naming the servers when none answers.
 */
export async function openConnection(options: NatsConnectionOptions): Promise<OpenedConnection> {
  if (options.connection) return { nc: options.connection, owned: false }
  const servers = typeof options.servers === 'string' ? [options.servers] : options.servers
  try {
    const nc = await connect({
      servers,
      name: options.name ?? 'switchyard',
      reconnect: true,
      maxReconnectAttempts: options.maxReconnectAttempts ?? -1,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? 1000,
      timeout: options.connectTimeoutMs ?? 5000,
      // nats.js builds an Error per request for async stack traces: a real cost per publish
      noAsyncTraces: true,
      ...(options.user === undefined ? {} : { user: options.user, pass: options.pass }),
      ...(options.token === undefined ? {} : { token: options.token }),
    })
    return { nc, owned: true }
  } catch (cause) {
    throw new TransportConnectError(servers, cause)
  }
}

/** The JetStream manager, or `TransportConnectError` when the server has JetStream off. */
export async function jetstreamManagerOf(
  nc: NatsConnection,
  servers: string | string[],
): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(nc)
  } catch (cause) {
    throw new TransportConnectError(typeof servers === 'string' ? [servers] : servers, cause)
  }
}
