import { AsyncLocalStorage } from 'node:async_hooks'
import { definePlugin } from '@switchyard/plugin-sdk'
import { requestTracingConfig } from './config.js'
import { correlateEvent } from './correlate-event.js'
import { createTracingMiddleware, type TraceContext } from './tracing-middleware.js'

/**
 * The request-tracing plugin: an `http.middleware` contribution that sets or propagates `X-Correlation-ID`,
 * adds `X-Processing-Time`, and stamps the correlation id on every event published while the request is handled.
 *
 * @example
 * ```yaml
 * plugins:
 *   request-tracing: { enabled: true, config: { correlation_header: X-Correlation-ID } }
 * ```
 */
export const requestTracingPlugin = definePlugin({
  name: 'request-tracing',
  version: '0.1.0',
  description:
    'X-Correlation-ID and X-Processing-Time on every request; correlation ids on the events it causes',
  config: requestTracingConfig,
  setup(ctx) {
    const storage = new AsyncLocalStorage<TraceContext>()
    const middleware = createTracingMiddleware(storage, {
      correlationHeader: ctx.config.correlation_header,
      timingHeader: ctx.config.timing_header,
      trustIncoming: ctx.config.trust_incoming,
    })
    // http.middleware holds opaque values: the server applies each contribution as a Hono middleware.
    ctx.extend('http.middleware', middleware as unknown as (value: unknown) => unknown, {
      priority: ctx.config.priority,
    })
    ctx.extend('event.before_publish', correlateEvent(storage), { priority: 0 })
    ctx.onStop(() => storage.disable())
  },
})
