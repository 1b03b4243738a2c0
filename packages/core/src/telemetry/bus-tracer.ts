import {
  type Attributes,
  type Context,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import type { AttemptContext } from '../delivery/attempt-context.js'
import type { AttemptResult } from '../delivery/attempt-result.js'
import type { Event } from '../event/event.js'
import { PublishSpan } from './publish-span.js'
import { formatTraceparent, MAX_TRACESTATE_LENGTH, parseTraceparent } from './traceparent.js'

/** Attribute names of the OpenTelemetry messaging semantic conventions, and Switchyard's own. */
const MESSAGING_SYSTEM = 'messaging.system'
const OPERATION_TYPE = 'messaging.operation.type'
const OPERATION_NAME = 'messaging.operation.name'
const DESTINATION = 'messaging.destination.name'
const MESSAGE_ID = 'messaging.message.id'
const CONSUMER_GROUP = 'messaging.consumer.group.name'
const CONVERSATION_ID = 'messaging.message.conversation_id'
const SYSTEM = 'switchyard'

/**
 * The bus's spans, named and attributed by the OpenTelemetry messaging semantic conventions: a `publish`
 * (producer) span when an event is accepted, whose context the event then carries in its metadata
 * (`traceparent`, `tracestate`), and a `process` (consumer) span for each attempt of each handler, a child of
 * that context wherever and whenever the attempt runs (another node, after a restart, a dead-letter replay).
 * The publish span's parent is the context the event brought in its metadata (a CloudEvents `traceparent`, an
 * event a sandboxed handler published), else the active one (the HTTP request, the handler that published it).
 *
 * @example
 * ```ts
 * const tracer = new BusTracer(trace.getTracer('switchyard'))
 * const stamped = tracer.published(event)
 * stamped.metadata.traceparent // '00-…-…-01', the publish span
 * ```
 */
export class BusTracer {
  readonly #tracer: Tracer

  constructor(tracer: Tracer) {
    this.#tracer = tracer
  }

  /** Records the `publish` span of an event dispatched at once; returns the event carrying its context. */
  published(event: Event): Event {
    const span = this.#startPublish(event, context.active())
    span.end()
    return withTraceContext(event, span.spanContext())
  }

  /**
   * Starts the `publish` span of an enqueued event, to end once the event is durably accepted: the event that
   * carries the span's context, and the span. Its parent comes from `parent` when given (a caller that holds the
   * request's context without entering it), else from the active context.
   */
  startPublish(event: Event, parent: Context = context.active()): PublishSpan {
    const span = this.#startPublish(event, parent)
    return new PublishSpan(withTraceContext(event, span.spanContext()), span)
  }

  /**
   * Starts the `process` span of an attempt (kept on `ctx.span`) under the publish span its event carries, or
   * as a new trace when it carries none; returns the context the handler runs in.
   */
  attempt(ctx: AttemptContext): Context {
    const { event, entry } = ctx
    const remote = stampedContextOf(event)
    const parent = remote === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, remote)
    const attributes = messageAttributes(event, 'process', 'process')
    attributes[CONSUMER_GROUP] = entry.name
    attributes['switchyard.handler'] = entry.name
    if (entry.owner !== undefined) attributes['switchyard.plugin'] = entry.owner
    attributes['switchyard.attempt'] = ctx.attempt
    const span = this.#tracer.startSpan(
      `process ${event.type}`,
      { kind: SpanKind.CONSUMER, attributes },
      parent,
    )
    ctx.span = span
    return trace.setSpan(parent, span)
  }

  /**
   * Ends an attempt's span with what the attempt decided: `switchyard.outcome` is the delivery's status, or
   * `retrying` when another attempt follows; anything but success sets status ERROR (the exception event was
   * recorded when the attempt failed). The result gets the attempt's `trace`, for the ledger.
   */
  ended(ctx: AttemptContext, result: AttemptResult): void {
    const span = ctx.span
    if (span === undefined) return
    const { traceId, spanId, traceFlags } = span.spanContext()
    // An unsampled span is in no backend: the ledger would point nowhere.
    if ((traceFlags & TraceFlags.SAMPLED) !== 0) result.trace = { attempt: ctx.attempt, traceId, spanId }
    if ('retryAfterMs' in result) {
      span.setAttribute('switchyard.outcome', 'retrying')
      span.setAttribute('switchyard.retry_after_ms', result.retryAfterMs)
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.message })
    } else {
      span.setAttribute('switchyard.outcome', result.status)
      if (result.status !== 'succeeded')
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.error?.message ?? result.status })
    }
    span.end()
  }

  #startPublish(event: Event, active: Context): Span {
    const remote = remoteContextOf(event)
    const attributes = messageAttributes(event, 'send', 'publish')
    if (remote === undefined)
      return this.#tracer.startSpan(`publish ${event.type}`, { kind: SpanKind.PRODUCER, attributes }, active)
    // The event brought its own context: the span joins that trace, and links to the request that carried it.
    const carrier = trace.getSpanContext(active)
    const links: Link[] = carrier === undefined ? [] : [{ context: carrier }]
    return this.#tracer.startSpan(
      `publish ${event.type}`,
      { kind: SpanKind.PRODUCER, attributes, links },
      trace.setSpanContext(active, remote),
    )
  }
}

/** The span context an event carries in its metadata, when it is a valid W3C one. */
export function remoteContextOf(event: Event): SpanContext | undefined {
  return parseTraceparent(event.metadata.traceparent, event.metadata.tracestate)
}

/**
 * The publish span contexts of the events this process stamped (`withTraceContext`), by event object: an attempt
 * of an event published here takes its parent from this instead of parsing the `traceparent` it was just given
 * (once per handler and attempt, the parse was a tenth of a traced publish's cost). Held weakly: gone with the event.
 */
const stamped = new WeakMap<Event, SpanContext>()

/** `remoteContextOf`, without the parse for an event stamped in this process: the same span context either way. */
function stampedContextOf(event: Event): SpanContext | undefined {
  return stamped.get(event) ?? remoteContextOf(event)
}

/** How an object literal's own members are defined. */
const MEMBER = { enumerable: true, writable: true, configurable: true }

function messageAttributes(event: Event, type: string, name: string): Attributes {
  const attributes: Attributes = {
    [MESSAGING_SYSTEM]: SYSTEM,
    [OPERATION_TYPE]: type,
    [OPERATION_NAME]: name,
    [DESTINATION]: event.type,
    [MESSAGE_ID]: event.id,
  }
  const { correlationId } = event.metadata
  if (correlationId !== undefined) attributes[CONVERSATION_ID] = correlationId
  return attributes
}

/**
 * The event with `span`'s context as its metadata's `traceparent` and `tracestate`, frozen as events are. Copied
 * member by member, not spread: a spread of a frozen object takes V8's slow path (about 1 µs a spread, where the
 * copy below costs a third of both, `/work/notes/ingest/copy-micro.mjs`); the data is shared, already frozen.
 */
function withTraceContext(event: Event, span: SpanContext): Event {
  const state = span.traceState?.serialize()
  const metadata: Record<string, unknown> = {}
  const from: Record<string, unknown> = event.metadata
  for (const key in from) {
    if (key === 'tracestate' && !state) continue
    // An own `__proto__` key (JSON.parse makes them) is a member like the others, as a spread copies it.
    if (key === '__proto__') Object.defineProperty(metadata, key, { ...MEMBER, value: from[key] })
    else metadata[key] = from[key]
  }
  metadata.traceparent = formatTraceparent(span)
  if (state) metadata.tracestate = state
  const carrying: Event = Object.freeze({
    id: event.id,
    type: event.type,
    source: event.source,
    time: event.time,
    data: event.data,
    metadata: Object.freeze(metadata) as Event['metadata'],
  })
  // What parsing the metadata just written would give: remote, flags as sent, the state as serialised.
  const { traceId, spanId, traceFlags } = span
  const parsed: SpanContext = { traceId, spanId, traceFlags: traceFlags & TraceFlags.SAMPLED, isRemote: true }
  if (state && state.length <= MAX_TRACESTATE_LENGTH) parsed.traceState = span.traceState
  stamped.set(carrying, parsed)
  return carrying
}
