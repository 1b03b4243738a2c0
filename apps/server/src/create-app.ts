import type { Logger } from '@switchyard/core'
import { type Context, Hono, type MiddlewareHandler, type Next } from 'hono'
import { requestId } from 'hono/request-id'
import type { AccessControl } from './access-control.js'
import { ApiBuilder } from './api-builder.js'
import { errorHandler, toErrorBody } from './error-response.js'
import { RouteNotFoundError, ShuttingDownError } from './errors.js'
import { deadLetterRoutes } from './routes/dead-letter-routes.js'
import { eventRoutes } from './routes/event-routes.js'
import { marketplaceRoutes } from './routes/marketplace-routes.js'
import { pluginRoutes } from './routes/plugin-routes.js'
import { streamRoutes } from './routes/stream-routes.js'
import { systemRoutes } from './routes/system-routes.js'
import type { ServerEnv } from './server-env.js'
import type { ServerMetrics } from './server-metrics.js'
import type { ServerRuntime } from './server-runtime.js'

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
}

/** Logs one line per request once it is answered. */
const requestLog =
  (logger: Logger): MiddlewareHandler<ServerEnv> =>
  async (c, next) => {
    const started = performance.now()
    await next()
    logger.info(
      {
        reqId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    )
  }

/** Runs the plugins' `http.middleware` contributions, lowest priority number outermost. */
const pluginMiddleware =
  (runtime: ServerRuntime): MiddlewareHandler<ServerEnv> =>
  async (c, next) => {
    const { extensions } = runtime.bus
    if (!extensions.has('http.middleware')) return next()
    const chain = extensions
      .contributions('http.middleware')
      .map(({ fn }) => fn as unknown as MiddlewareHandler)
    const dispatch = async (i: number): Promise<void> => {
      const middleware = chain[i]
      if (middleware) await middleware(c as unknown as Context, () => dispatch(i + 1))
      else await next()
    }
    await dispatch(0)
  }

/**
 * Builds the Hono app: request ids, request logs, drain refusal, plugin middleware, every route of the API
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
  app.use(requestId())
  app.use(requestLog(options.logger))
  app.use(async (c, next: Next) => {
    if (closing.aborted) {
      c.header('connection', 'close')
      throw new ShuttingDownError()
    }
    await next()
  })
  app.use(pluginMiddleware(runtime))

  const api = new ApiBuilder(app, access, options.bodyLimitBytes)
  eventRoutes(api, runtime)
  streamRoutes(api, runtime, closing)
  deadLetterRoutes(api, runtime)
  pluginRoutes(api, runtime)
  marketplaceRoutes(api, runtime)
  systemRoutes(api, {
    runtime,
    metrics: options.metrics,
    version: options.version,
    isPublic: (p) => access.isPublic(p),
  })

  // A plugin's own routes: reading needs `read`, anything else `publish`.
  const forward = (c: Context<ServerEnv>) => runtime.pluginFetch(c.req.raw)
  for (const path of ['/plugins/:name', '/plugins/:name/*']) {
    app.on(['GET', 'HEAD'], path, access.guard('read'), forward)
    app.on(['POST', 'PUT', 'PATCH', 'DELETE'], path, access.guard('publish'), api.limitBody(), forward)
  }

  app.notFound((c) => {
    const { status, body } = toErrorBody(new RouteNotFoundError(c.req.method, c.req.path))
    return c.json(body, status)
  })
  app.onError(errorHandler(options.logger))
  return app
}
