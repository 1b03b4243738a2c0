import { randomUUID } from 'node:crypto'
import { definePlugin, type PostResponseValue, type PreRequestValue } from '@switchyard/plugin-sdk'
import * as v from 'valibot'

/** Marty's `request-tracing` config keys, with its defaults. */
export const tracingConfig = v.object({
  correlation_header: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'),
      v.description('Carries the correlation id'),
    ),
    'X-Correlation-ID',
  ),
  timing_header: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name'),
      v.description('Carries the time taken, in ms'),
    ),
    'X-Processing-Time',
  ),
  priority: v.optional(v.pipe(v.number(), v.integer(), v.description('Lower runs first')), 10),
})

/**
 * Marty's `TracingPlugin.process_request` in Switchyard terms: `middleware.pre_request` puts a correlation id on
 * the request (the caller's, or a new UUID) so routes see it, and `middleware.post_response` copies it onto the
 * answer with the processing time. Both are filters over plain JSON, so the plugin may run isolated.
 *
 * @example
 * ```yaml
 * plugins:
 *   request-tracing-middleware: { config: { correlation_header: X-Request-ID } }
 * ```
 */
export const requestTracingMiddleware = definePlugin({
  name: 'request-tracing-middleware',
  version: '0.1.0',
  description: "Marty's request-tracing middleware on pre_request/post_response",
  category: 'observability',
  tags: ['tracing', 'middleware', 'marty'],
  config: tracingConfig,
  setup(ctx) {
    const correlation = ctx.config.correlation_header.toLowerCase()
    const timing = ctx.config.timing_header.toLowerCase()
    // Start times by request id, from pre_request to post_response of the same request.
    const started = new Map<string, number>()
    ctx.extend<PreRequestValue, PreRequestValue>(
      'middleware.pre_request',
      ({ request, response }) => {
        started.set(request.requestId, performance.now())
        const id = request.headers[correlation] ?? randomUUID()
        return {
          request: { ...request, headers: { ...request.headers, [correlation]: id } },
          ...(response ? { response } : {}),
        }
      },
      { priority: ctx.config.priority },
    )
    ctx.extend<PostResponseValue, PostResponseValue>(
      'middleware.post_response',
      ({ request, response }) => {
        const start = started.get(request.requestId)
        started.delete(request.requestId)
        const headers = { ...response.headers, [correlation]: request.headers[correlation] ?? randomUUID() }
        if (start !== undefined) headers[timing] = (performance.now() - start).toFixed(2)
        return { request, response: { ...response, headers } }
      },
      { priority: ctx.config.priority },
    )
  },
})
