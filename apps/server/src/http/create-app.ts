import type { Logger } from '@switchyard/core'
import { type SwitchyardConfig, validateConfig } from '@switchyard/host'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { adminAssetsDir } from '../admin/admin-assets.js'
import { adminRoutes } from '../admin/admin-routes.js'
import { auditTrail } from '../audit/audit-trail.js'
import type { AccessControl } from '../auth/access-control.js'
import { RouteNotFoundError } from '../errors.js'
import { ApiBuilder } from '../openapi/api-builder.js'
import { SCALAR_BUNDLE_PATH, scalarBundle } from '../openapi/scalar-reference.js'
import { auditRoutes } from '../routes/audit-routes.js'
import { configRoutes } from '../routes/config-routes.js'
import { deadLetterRoutes } from '../routes/dead-letter-routes.js'
import { eventListRoutes } from '../routes/event-list-routes.js'
import { eventRoutes } from '../routes/event-routes.js'
import { EventStreamHub } from '../routes/event-stream-hub.js'
import { handlerRoutes } from '../routes/handler-routes.js'
import { marketplaceRoutes } from '../routes/marketplace-routes.js'
import { pluginRoutes } from '../routes/plugin-routes.js'
import { scheduleRoutes } from '../routes/schedule-routes.js'
import { serviceRoutes } from '../routes/service-routes.js'
import { sessionRoutes } from '../routes/session-routes.js'
import { type Backends, statsRoutes } from '../routes/stats-routes.js'
import { streamRoutes } from '../routes/stream-routes.js'
import { systemRoutes } from '../routes/system-routes.js'
import type { ServerMetrics } from '../runtime/server-metrics.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { ServerStats } from '../stats/server-stats.js'
import { nameRequestSpan } from '../telemetry/name-request-span.js'
import { errorHandler, toErrorBody } from './error-response.js'
import { requestContext } from './request-context.js'
import { requestInfoOf } from './request-info.js'
import type { ServerEnv } from './server-env.js'

const DEFAULT_LIMITS = validateConfig({}).config.limits

/** What `createApp` wires together. */
export interface AppOptions {
  runtime: ServerRuntime
  access: AccessControl
  metrics: ServerMetrics
  logger: Logger
  /** `server.body_limit_bytes`. */
  bodyLimitBytes: number
  /** The server's version, shown in `/openapi.json`. */
  version: string
  /** Aborted when shutdown begins: new requests get 503 and SSE streams end. */
  closing: AbortSignal
  /** Config `limits:` (JSON depth of request bodies, SSE clients and their buffers); the defaults otherwise. */
  limits?: Partial<SwitchyardConfig['limits']>
  /** The store and transport in use, shown by `GET /api/v1/stats`; `unknown` when not given. */
  backends?: Backends
}

/**
 * Builds the Hono app: request ids, request logs, drain refusal, plugin middleware, the audit trail, every route of the API
 * (auth, body limit and validation per route), plugin routes under `/plugins/<name>`, JSON 404 and errors.
 *
 * @example
 * ```ts
 * const app = createApp({ runtime, access, metrics, logger, bodyLimitBytes: 1 << 20, version: '0.1.0', closing })
 * serve({ fetch: app.fetch, port: 0 })
 * ```
 */
export function createApp(options: AppOptions): Hono<ServerEnv> {
  const { runtime, access, closing } = options
  const app = new Hono<ServerEnv>()
  app.use(nameRequestSpan)
  app.use(requestContext({ logger: options.logger, closing, extensions: runtime.bus.extensions }))
  app.use(auditTrail({ store: runtime.store, access, logger: options.logger }))

  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const api = new ApiBuilder(app, access, options.bodyLimitBytes, limits.json_depth)
  eventRoutes(api, runtime)
  eventListRoutes(api, runtime)
  const streams = new EventStreamHub(runtime.bus, {
    maxClients: limits.sse_clients,
    maxBufferedBytes: limits.sse_client_buffer_bytes,
  })
  closing.addEventListener('abort', () => streams.close(), { once: true })
  streamRoutes(api, streams)
  deadLetterRoutes(api, runtime)
  pluginRoutes(api, runtime)
  marketplaceRoutes(api, runtime, options.logger)
  serviceRoutes(api, runtime)
  scheduleRoutes(api, runtime)
  handlerRoutes(api, runtime, options.logger)
  auditRoutes(api, runtime)
  sessionRoutes(api, access)
  configRoutes(api, runtime)
  const stats = new ServerStats()
  closing.addEventListener('abort', stats.observe(runtime.bus), { once: true })
  statsRoutes(api, stats, options.backends ?? { storage: 'unknown', transport: 'unknown' })
  systemRoutes(api, {
    runtime,
    metrics: options.metrics,
    version: options.version,
    isPublic: (p) => access.isPublic(p),
    canRead: (c) => access.grants(c.req.header('authorization'), 'read', () => requestInfoOf(c)),
  })

  // The reference page's script, Scalar's published npm bundle: nothing secret, so served without a token.
  app.get(SCALAR_BUNDLE_PATH, scalarBundle())
  adminRoutes(app, adminAssetsDir())

  // A plugin's own routes: reading needs `read`, anything else `publish`.
  const forward = (c: Context<ServerEnv>) => runtime.pluginFetch(c.req.raw)
  const audited: MiddlewareHandler<ServerEnv> = async (c, next) => {
    c.set('auditAction', `${c.req.method} /plugins/:name/*`)
    c.set('auditTarget', c.req.param('name') ?? '')
    await next()
  }
  for (const path of ['/plugins/:name', '/plugins/:name/*']) {
    app.on(['GET', 'HEAD'], path, audited, access.guard('read'), forward)
    app.on(
      ['POST', 'PUT', 'PATCH', 'DELETE'],
      path,
      audited,
      access.guard('publish'),
      api.limitBody(),
      forward,
    )
  }

  app.notFound((c) => {
    const { status, body } = toErrorBody(new RouteNotFoundError(c.req.method, c.req.path))
    return c.json(body, status)
  })
  app.onError(errorHandler(options.logger))
  return app
}
