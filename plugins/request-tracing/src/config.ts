import * as v from 'valibot'

const headerName = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'))

/**
 * Config of the request-tracing plugin: header names, whether to trust a caller's correlation id, and where the
 * middleware runs among the others (lower priority number runs first, i.e. outermost).
 *
 * @example
 * ```ts
 * v.parse(requestTracingConfig, { correlation_header: 'X-Request-ID' })
 * ```
 */
export const requestTracingConfig = v.object({
  correlation_header: v.optional(headerName, 'X-Correlation-ID'),
  timing_header: v.optional(headerName, 'X-Processing-Time'),
  trust_incoming: v.optional(v.boolean(), true),
  priority: v.optional(v.pipe(v.number(), v.integer()), 10),
})

export type RequestTracingConfig = v.InferOutput<typeof requestTracingConfig>
