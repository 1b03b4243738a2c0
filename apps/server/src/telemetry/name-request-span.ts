import { trace } from '@opentelemetry/api'
import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'

/**
 * Names the request's HTTP server span after the route that answered (`GET /api/v1/events/:id/deliveries`),
 * as the HTTP semantic conventions ask, and records it as `http.route`. Without tracing there is no span: nothing
 * happens.
 *
 * @example
 * ```ts
 * app.use(nameRequestSpan)
 * ```
 */
export const nameRequestSpan: MiddlewareHandler = async (c, next) => {
  await next()
  const span = trace.getActiveSpan()
  if (span === undefined) return
  const route = routePath(c, -1)
  span.updateName(`${c.req.method} ${route}`)
  span.setAttribute('http.route', route)
}
