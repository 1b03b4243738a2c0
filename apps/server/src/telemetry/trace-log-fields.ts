import { trace } from '@opentelemetry/api'
import type { LoggerOptions } from 'pino'

/** What the mixin returns outside a span: recognised by identity, so such a line costs no object. */
const NONE = Object.freeze({})

/**
 * pino options that add `trace_id` and `span_id` to every line written inside a span (a request, a handler's
 * attempt, a plugin's own span), so a log line leads to its trace. Outside a span, or with tracing off, a line
 * is written as it was.
 *
 * @example
 * ```ts
 * const logger = pino({ level: 'info', ...traceLogFields }, destination)
 * ```
 */
export const traceLogFields: Pick<LoggerOptions, 'mixin' | 'mixinMergeStrategy'> = {
  mixin() {
    const span = trace.getActiveSpan()
    if (span === undefined) return NONE
    const { traceId, spanId } = span.spanContext()
    return { trace_id: traceId, span_id: spanId }
  },
  mixinMergeStrategy: (merge, mixin) => (mixin === NONE ? merge : Object.assign(mixin, merge)),
}
