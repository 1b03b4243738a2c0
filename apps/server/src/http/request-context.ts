import { randomUUID } from 'node:crypto'
import type { ExtensionRegistry, Logger } from '@switchyard/core'
import type { Context, MiddlewareHandler } from 'hono'
import { ShuttingDownError } from '../errors.js'
import { toErrorBody } from './error-response.js'
import type { ServerEnv } from './server-env.js'

/** What `requestContext` needs from the server. */
export interface RequestContextOptions {
  logger: Logger
  /** Aborted when shutdown begins: requests are then answered 503 with `Connection: close`. */
  closing: AbortSignal
  /** Where plugins contribute `http.middleware`. */
  extensions: Pick<ExtensionRegistry, 'has' | 'contributions'>
}

// A client's X-Request-Id is kept when it is short and made of safe characters (it ends up in logs).
const SAFE_ID = /^[\w\-=]{1,255}$/

/**
 * The id of a request: the client's `X-Request-Id` when it is sane, else a new UUID.
 *
 * @example
 * ```ts
 * requestIdOf('abc-123') // 'abc-123'; requestIdOf('bad id') is a new UUID
 * ```
 */
export function requestIdOf(given: string | undefined): string {
  return given !== undefined && SAFE_ID.test(given) ? given : randomUUID()
}

/**
 * The one middleware in front of every route, kept to one for the ingest hot path: sets the request id (the
 * client's `X-Request-Id` when sane, else a UUID) and echoes it, refuses work during shutdown, runs the plugins'
 * `http.middleware` contributions (lowest priority number outermost), and logs one line per answered request.
 *
 * @example
 * ```ts
 * app.use(requestContext({ logger, closing, extensions: bus.extensions }))
 * ```
 */
export function requestContext(options: RequestContextOptions): MiddlewareHandler<ServerEnv> {
  const { logger, closing, extensions } = options
  return async (c, next) => {
    const started = performance.now()
    const reqId = requestIdOf(c.req.header('x-request-id'))
    c.set('requestId', reqId)
    // Straight onto the Node response when there is one (Node merges it into every answer, errors and streams
    // included): a second header through c.header() makes Hono build a WHATWG Headers object per response.
    const outgoing = c.env?.outgoing
    if (outgoing) outgoing.setHeader('x-request-id', reqId)
    else c.header('x-request-id', reqId)
    if (closing.aborted) {
      const { status, body } = toErrorBody(new ShuttingDownError())
      c.header('connection', 'close')
      c.res = c.json(body, status)
    } else if (extensions.has('http.middleware')) {
      await runPluginMiddleware(c, extensions, next)
    } else {
      await next()
    }
    logRequest(logger, { reqId, method: c.req.method, path: c.req.path, status: c.res.status }, started)
  }
}

/**
 * Writes the one log line of an answered request, with its duration since `started` (`performance.now()`), in
 * the Hono app and on the Node ingest path alike.
 *
 * @example
 * ```ts
 * logRequest(logger, { reqId, method: 'POST', path: '/api/v1/events', status: 202 }, started)
 * ```
 */
export function logRequest(
  logger: Logger,
  request: { reqId: string; method: string; path: string; status: number },
  started: number,
): void {
  logger.info({ ...request, ms: Math.round(performance.now() - started) }, 'request')
}

/**
 * Runs the plugins' `http.middleware` contributions (Hono middleware, lowest priority number outermost) around
 * `next`: in the app for every route, and around the ingest route on the Node request.
 *
 * @example
 * ```ts
 * await runPluginMiddleware(c, bus.extensions, async () => { c.res = c.json({ ok: true }) })
 * ```
 */
export async function runPluginMiddleware(
  c: Context<ServerEnv>,
  extensions: Pick<ExtensionRegistry, 'contributions'>,
  next: () => Promise<void>,
): Promise<void> {
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
