import { setTimeout as sleep } from 'node:timers/promises'
import { type JetStreamClient, type JetStreamManager, jetstream } from '@nats-io/jetstream'
import { headers, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node'
import {
  type ConsumerOptions,
  type Event,
  type Logger,
  noopLogger,
  type Transport,
  type TransportConsumer,
  type TransportMessage,
  type TransportPublishResult,
} from '@switchyard/core'
import { ConnectionState } from './connection/connection-state.js'
import { jetstreamManagerOf, openConnection } from './connection/open-connection.js'
import { RequestMux } from './connection/request-mux.js'
import { AckJournal } from './consumer/ack-journal.js'
import { FirstDeliveries } from './consumer/first-deliveries.js'
import { HandlerConsumer, TARGET_HEADER } from './consumer/handler-consumer.js'
import { NatsRequestError, TransportClosedError, TransportPublishError } from './errors.js'
import type { NatsTransportOptions, ResolvedTransportOptions } from './nats-transport-options.js'
import { resolveTransportOptions } from './nats-transport-options.js'
import { ensureStream } from './stream/ensure-stream.js'
import { readPubAck, type StoredPublish } from './stream/pub-ack.js'
import { SubjectScheme } from './stream/subject-scheme.js'

/** One publish attempt waits this long for its ack before it is sent again (same message id: no duplicate). */
const ATTEMPT_TIMEOUT_MS = 2500
/** Pause between the checks of `idle`. */
const IDLE_POLL_MS = 25
/** The answer of a publish the server dropped as a duplicate of another event. */
const DUPLICATE: TransportPublishResult = Object.freeze({ duplicate: true })

/**
 * The core `Transport` over NATS JetStream: several nodes share one logical bus. Events are published to the
 * stream with `Nats-Msg-Id` = idempotencyKey; each handler is a durable pull consumer shared by every node.
 * Create it with `connectNatsTransport`.
 *
 * @example
 * ```ts
 * const transport = await connectNatsTransport({ servers: 'nats://127.0.0.1:4222', stream: 'SWITCHYARD' })
 * const bus = new EventBus({ transport })
 * ```
 */
export class NatsTransport implements Transport {
  /** The connection, e.g. to share it with `connectNatsStore({ connection })`. */
  readonly connection: NatsConnection
  readonly stream: string
  readonly subjects: SubjectScheme
  /** The stream keeps every event until each handler's consumer acked it, across node restarts. */
  readonly keepsUnacked = true
  readonly #js: JetStreamClient
  readonly #jsm: JetStreamManager
  /** Publishes go through it: a publish is a request, and nats.js's costs twice the client CPU (see RequestMux). */
  readonly #requests: RequestMux
  readonly #options: ResolvedTransportOptions
  readonly #state: ConnectionState
  readonly #journal: AckJournal
  readonly #ownsConnection: boolean
  readonly #logger: Logger
  readonly #consumers = new Set<HandlerConsumer>()
  #closing: Promise<void> | undefined

  /** Use `connectNatsTransport`; this constructor expects a connection whose stream already exists. */
  constructor(
    nc: NatsConnection,
    jsm: JetStreamManager,
    options: ResolvedTransportOptions,
    ownsConnection: boolean,
  ) {
    this.connection = nc
    this.stream = options.stream
    this.subjects = new SubjectScheme(options.subjectPrefix, options.orderingPartitions)
    this.#jsm = jsm
    this.#js = jetstream(nc, { timeout: options.publishTimeoutMs })
    this.#requests = new RequestMux(nc, ATTEMPT_TIMEOUT_MS)
    this.#options = options
    this.#ownsConnection = ownsConnection
    this.#logger = (options.logger ?? noopLogger).child({
      component: 'transport-nats',
      stream: options.stream,
    })
    this.#state = new ConnectionState(nc, this.#logger)
    this.#journal = new AckJournal(nc, this.#state, this.#logger, options.ackTimeoutMs)
  }

  /**
   * Publishes to `<prefix>.<type>` (or the event's ordering partition) and resolves on the JetStream ack.
   * With `handlers`, only those handlers' consumers handle it (the others ack it unseen). While disconnected
   * it waits for the reconnect, retrying until `publishTimeoutMs`: the message id makes retries safe.
   * Resolves to `{ duplicate: true }` when the server dropped it as a duplicate of another event (another id)
   * with its idempotencyKey, published within `duplicateWindowMs`.
   */
  async publish(
    event: Event,
    options?: { handlers?: readonly string[] },
  ): Promise<TransportPublishResult | undefined> {
    if (this.#closing) throw new TransportClosedError('transport')
    const subject = this.subjects.subjectOf(event)
    const payload = JSON.stringify(event)
    const targets = options?.handlers
    const hdrs = traceHeaders(event) ?? headers()
    let msgID = event.metadata.idempotencyKey
    if (targets !== undefined) {
      hdrs.set(TARGET_HEADER, targets.join(','))
      // a distinct id, or the server would drop the resumed copy as a duplicate of the original
      msgID = `${msgID}>${targets.join(',')}`
    }
    hdrs.set('Nats-Msg-Id', msgID)
    const deadline = Date.now() + this.#options.publishTimeoutMs
    let ack: StoredPublish
    try {
      ack = await this.#state.retry(
        deadline,
        async (left) =>
          readPubAck(
            await this.#requests.request(subject, payload, hdrs, Math.min(left, ATTEMPT_TIMEOUT_MS)),
          ),
        // a refusal from a connected server (no stream, limits) will not change on retry; a lost request may
        (error) => !this.#state.ready || (error instanceof NatsRequestError && error.timedOut),
      )
    } catch (cause) {
      throw new TransportPublishError(subject, cause)
    }
    if (!ack.duplicate) return undefined
    return (await this.#storedIsOther(ack.seq, event.id)) ? DUPLICATE : undefined
  }

  /**
   * Whether the message the server kept under the same message id is another event. It is the same event when
   * an earlier try of this publish got through unacknowledged, or the same event was published again: then it
   * is delivered, not dropped. A message no longer in the stream (every consumer acked it, or it aged out) is
   * taken for another event; the bus only ends deliveries still `pending`, which an event handled before has not.
   */
  async #storedIsOther(seq: number, eventId: string): Promise<boolean> {
    try {
      const stored = await this.#jsm.streams.getMessage(this.stream, { seq })
      return stored === null || stored.json<Partial<Event>>().id !== eventId
    } catch (error) {
      // a wrong "duplicate" costs a skipped_duplicate row that the real delivery overwrites; a wrong "not
      // duplicate" leaves the event's deliveries pending for ever
      this.#logger.warn(
        { err: error, eventId, seq },
        'could not read the message a duplicate publish matched',
      )
      return true
    }
  }

  async consume(
    options: ConsumerOptions,
    onMessage: (message: TransportMessage) => Promise<void>,
  ): Promise<TransportConsumer> {
    if (this.#closing) throw new TransportClosedError('transport')
    const consumer = await HandlerConsumer.start({
      js: this.#js,
      jsm: this.#jsm,
      stream: this.stream,
      scheme: this.subjects,
      options,
      onMessage,
      logger: this.#logger.child({ handler: options.handler }),
      inactiveMs: this.#options.consumerInactiveMs,
      link: { journal: this.#journal, state: this.#state },
      firstDeliveries: FirstDeliveries.of(this.connection),
      duplicateWindowMs: this.#options.duplicateWindowMs,
    })
    this.#consumers.add(consumer)
    return {
      stop: async () => {
        this.#consumers.delete(consumer)
        await consumer.stop()
      },
    }
  }

  /**
   * Resolves when this node has nothing of its running consumers buffered, in flight or naked and due back, and
   * the server holds nothing undelivered for them (two checks in a row, so a message on the wire is not
   * missed). Messages in flight on other nodes do not hold it up. `EventBus.drain` uses it.
   */
  async idle(): Promise<void> {
    let quietChecks = 0
    while (quietChecks < 2) {
      const consumers = [...this.#consumers]
      const idle = await Promise.all(consumers.map((consumer) => consumer.isIdle().catch(() => false)))
      quietChecks = idle.every(Boolean) ? quietChecks + 1 : 0
      if (quietChecks < 2) await sleep(IDLE_POLL_MS)
    }
  }

  isReady(): boolean {
    return this.#state.ready
  }

  /** Stops every consumer (in-flight messages finish and are acked), then drains the connection if it is ours. */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    await Promise.all([...this.#consumers].map((consumer) => consumer.stop()))
    this.#consumers.clear()
    await this.#journal.settled(this.#options.ackTimeoutMs)
    await this.#requests.close()
    if (this.#ownsConnection && !this.connection.isClosed()) await this.connection.drain()
  }
}

/**
 * Connects to NATS, creates the event stream if needed and returns the transport.
 * Throws `ConfigError` (E_CONFIG) for invalid options, `TransportConnectError` (E_TRANSPORT_CONNECT) naming the
 * servers when none answers or JetStream is off, `TransportSetupError` (E_TRANSPORT_SETUP) when the stream
 * cannot be created.
 *
 * @example
 * ```ts
 * const transport = await connectNatsTransport({ servers: ['nats://127.0.0.1:4222'], stream: 'SWITCHYARD' })
 * const store = await connectNatsStore({ servers: [], connection: transport.connection })
 * const bus = new EventBus({ transport, store })
 * ```
 */
export async function connectNatsTransport(input: NatsTransportOptions): Promise<NatsTransport> {
  const options = resolveTransportOptions(input)
  const { nc, owned } = await openConnection(options)
  try {
    const jsm = await jetstreamManagerOf(nc, options.servers)
    const scheme = new SubjectScheme(options.subjectPrefix, options.orderingPartitions)
    await ensureStream(jsm, {
      name: options.stream,
      subjects: scheme.streamSubjects(),
      duplicateWindowMs: options.duplicateWindowMs,
      maxAgeMs: options.maxAgeMs,
      replicas: options.replicas,
    })
    return new NatsTransport(nc, jsm, options, owned)
  } catch (error) {
    if (owned) await nc.close()
    throw error
  }
}

/**
 * The W3C trace context of the event's publish span (`metadata.traceparent`, `tracestate`) as message headers, so
 * NATS tooling and other consumers see the trace the message belongs to (the event carries it too); undefined
 * for an event without one.
 */
function traceHeaders(event: Event): MsgHdrs | undefined {
  const { traceparent, tracestate } = event.metadata
  if (typeof traceparent !== 'string') return undefined
  const hdrs = headers()
  hdrs.set('traceparent', traceparent)
  if (typeof tracestate === 'string') hdrs.set('tracestate', tracestate)
  return hdrs
}
