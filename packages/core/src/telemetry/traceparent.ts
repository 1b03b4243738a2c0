import { createTraceState, isSpanContextValid, type SpanContext, TraceFlags } from '@opentelemetry/api'

/** version-traceid-parentid-flags, each lower-case hex; a later version may append more fields after a dash. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/
/** The W3C limit on a tracestate header a receiver must keep; a longer one may be dropped whole. */
export const MAX_TRACESTATE_LENGTH = 512

/**
 * Reads a W3C Trace Context `traceparent` (and `tracestate`) as a remote span context, or undefined when the
 * value is not one, as the spec asks a receiver to treat it: no error, the caller starts a new trace. Rejected:
 * anything but a string, bad hex or lengths, upper case, version `ff`, extra fields on version `00`, all-zero
 * trace or span ids. A malformed `tracestate` is dropped (its valid list members kept); the traceparent stands.
 *
 * @example
 * ```ts
 * parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')?.traceId // '4bf92f35…'
 * parseTraceparent('not-a-traceparent') // undefined
 * ```
 */
export function parseTraceparent(traceparent: unknown, tracestate?: unknown): SpanContext | undefined {
  if (typeof traceparent !== 'string') return undefined
  const match = TRACEPARENT.exec(traceparent.trim())
  if (match === null) return undefined
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ]
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined
  const context: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  }
  if (!isSpanContextValid(context)) return undefined
  if (typeof tracestate === 'string' && tracestate.length <= MAX_TRACESTATE_LENGTH)
    context.traceState = createTraceState(tracestate)
  return context
}

/** Each byte as two hex digits: one lookup per traced event instead of `toString(16)` and `padStart`. */
const FLAGS_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/**
 * The W3C `traceparent` (version 00) of a span context.
 *
 * @example
 * ```ts
 * formatTraceparent(span.spanContext()) // '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
 * ```
 */
export function formatTraceparent({ traceId, spanId, traceFlags }: SpanContext): string {
  return `00-${traceId}-${spanId}-${FLAGS_HEX[traceFlags & 0xff]}`
}
