import type { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { NodeMiddleware } from '@switchyard/plugin-sdk'
import type { MiddlewareHandler } from 'hono'

/** What the middleware keeps for the duration of one request. */
export interface TraceContext {
  readonly correlationId: string
}

/** What `createTracingMiddleware` takes. */
export interface TracingOptions {
  correlationHeader: string
  timingHeader: string
  /** Reuse a well-formed correlation id sent by the caller instead of making a new one. */
  trustIncoming: boolean
}

// Bounded and printable, so a caller cannot inject header-breaking or huge values into logs and events.
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/

/** What `@hono/node-server` passes a request that came over a socket; absent under `app.request()`. */
interface NodeBindings {
  incoming?: IncomingMessage
  outgoing?: ServerResponse
}

/** A Hono middleware with the same work in Node form (`node`), which the Switchyard server's ingest route runs. */
export type TracingMiddleware = MiddlewareHandler & {
  node(...args: Parameters<NodeMiddleware>): Promise<void>
}

/**
 * A Hono middleware that gives each request a correlation id (the caller's, when trusted and well-formed, or a
 * new UUID), runs the rest of the request inside `storage` with that id, and answers with the id and the time
 * spent (`X-Processing-Time: 12.345ms`). Served by `@hono/node-server` (the Switchyard server), it reads and writes
 * those headers on the Node request and response: `c.req.header()` would build a WHATWG `Headers` object per
 * request, and `c.header()` after `next()` a copy of the answer, which together cost more than the rest of an
 * ingest request. Its `node` property does the same on a Node request and response without a Hono `Context`:
 * the server's ingest route runs that form (no `Context`, `Request` or `Response` per event posted).
 *
 * @example
 * ```ts
 * const storage = new AsyncLocalStorage<TraceContext>()
 * app.use(createTracingMiddleware(storage, { correlationHeader: 'X-Correlation-ID',
 *   timingHeader: 'X-Processing-Time', trustIncoming: true }))
 * ```
 */
export function createTracingMiddleware(
  storage: AsyncLocalStorage<TraceContext>,
  options: TracingOptions,
): TracingMiddleware {
  const headerKey = options.correlationHeader.toLowerCase()
  const correlationIdOf = (given: string | string[] | undefined): string =>
    options.trustIncoming && typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID()
  const answer = (outgoing: ServerResponse, correlationId: string, started: number): void => {
    outgoing.setHeader(options.correlationHeader, correlationId)
    outgoing.setHeader(options.timingHeader, elapsedSince(started))
  }
  // Not an async function: one `then` per request instead of an async function's promise and its await's.
  const middleware: MiddlewareHandler = (c, next) => {
    const started = performance.now()
    const { incoming, outgoing } = (c.env ?? {}) as NodeBindings
    const correlationId = correlationIdOf(
      incoming ? incoming.headers[headerKey] : c.req.header(options.correlationHeader),
    )
    return storage.run({ correlationId }, next).then(() => {
      // Node merges headers set on its response into the answer @hono/node-server writes after the middleware.
      if (outgoing && !outgoing.headersSent) answer(outgoing, correlationId, started)
      else {
        c.header(options.correlationHeader, correlationId)
        c.header(options.timingHeader, elapsedSince(started))
      }
    })
  }
  const node = (req: IncomingMessage, res: ServerResponse, next: () => Promise<void>): Promise<void> => {
    const started = performance.now()
    const correlationId = correlationIdOf(req.headers[headerKey])
    return storage.run({ correlationId }, next).then(() => {
      if (!res.headersSent) answer(res, correlationId, started)
    })
  }
  return Object.assign(middleware, { node })
}

function elapsedSince(started: number): string {
  return `${(performance.now() - started).toFixed(3)}ms`
}
