import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The Node form of an `http.middleware` contribution: the same work on the Node request and response, around
 * `next` (the route, which has not written the answer yet when `next` resolves, so headers set on `res` then are
 * sent with it). A Hono middleware may carry one as its `node` property; the Switchyard server's ingest route then
 * runs it instead, without a Hono `Context`, a WHATWG `Request` or a `Response`.
 *
 * @example
 * ```ts
 * const middleware: MiddlewareHandler = async (c, next) => { await next(); c.header('x-seen', '1') }
 * const node: NodeMiddleware = async (req, res, next) => { await next(); res.setHeader('x-seen', '1') }
 * ctx.extend('http.middleware', Object.assign(middleware, { node }))
 * ```
 */
export type NodeMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: () => Promise<void>,
) => Promise<void> | void
