import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener, type HttpBindings } from '@hono/node-server'
import { context, type Context as TraceContext, trace } from '@opentelemetry/api'
import type { ExtensionRegistry, LogFn, Logger } from '@switchyard/core'
import type { NodeMiddleware } from '@switchyard/plugin-sdk'
import { Context } from 'hono'
import type { AccessControl } from '../auth/access-control.js'
import { ShuttingDownError } from '../errors.js'
import { type ErrorBody, errorAnswer } from '../http/error-response.js'
import { NodeHooks, runNodeMiddleware } from '../http/node-middleware.js'
import { readBodyText, readNodeBody } from '../http/request-body.js'
import { logRequest, requestIdOf } from '../http/request-context.js'
import { hasRequestHooks, runRequestHooks } from '../http/request-hooks.js'
import { nodeRequestInfo } from '../http/request-info.js'
import type { ServerEnv } from '../http/server-env.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { requestTraceContexts } from '../telemetry/request-trace-contexts.js'
import { readEvent } from './read-event.js'

/** What the ingest route needs: the same settings the Hono app gets. */
export interface NodeIngestOptions {
  runtime: Pick<ServerRuntime, 'bus'>
  access: AccessControl
  logger: Logger
  bodyLimitBytes: number
  /** Aborted when shutdown begins: requests are then answered 503 with `Connection: close`. */
  closing: AbortSignal
  /**
   * Where plugins contribute request hooks (`runRequestHooks`), which wrap ingest as they wrap every other request,
   * and the authenticators and publish filters that run during it.
   */
  extensions: Pick<ExtensionRegistry, 'has' | 'contributions' | 'list' | 'revision'>
}

const PATH = '/api/v1/events'

interface Answer {
  status: number
  body: { id: string } | ErrorBody
}

/**
 * The server's `POST /api/v1/events`: answered on the Node request, in front of the Hono app, with the app's
 * request id, shutdown refusal, bearer auth, body limit, event parsing (plain JSON and both CloudEvents modes),
 * `{ error: { code, message } }` answers and request log line. Without request hook contributions nothing
 * else runs: no WHATWG `Request`, `Headers` or `Response` (they cost more per request than the route's own work,
 * `pnpm bench -- http`). While a plugin contributes request hooks, the contributions wrap the same ingest: in
 * their Node form when each is an `http.middleware` that has one (`NodeMiddleware`, request-tracing's), else in
 * a Hono `Context` over `@hono/node-server`'s lazy request, so only deployments with middleware pay for it, and
 * only for what their middleware reads. Returns false, touching nothing, for any other request.
 *
 * @example
 * ```ts
 * const ingest = nodeIngest({ runtime, access, logger, bodyLimitBytes, closing, extensions: bus.extensions })
 * http.createServer((req, res) => ingest(req, res) || honoListener(req, res))
 * ```
 */
export function nodeIngest(
  options: NodeIngestOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const ingest = new Ingest(options)
  return (req, res) => {
    if (req.method !== 'POST' || !isIngestPath(req.url)) return false
    ingest.handle(req, res)
    return true
  }
}

/** One instance per server: requests go through its methods, so no closure is made per request. */
class Ingest {
  readonly #options: NodeIngestOptions
  readonly #wrapped: (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>
  readonly #plugins: PluginCode
  readonly #nodeHooks: NodeHooks

  constructor(options: NodeIngestOptions) {
    this.#options = options
    this.#plugins = new PluginCode(options.extensions)
    this.#nodeHooks = new NodeHooks(options.extensions)
    // Only ever handed the Node HTTP/1 requests `serve` got.
    this.#wrapped = getRequestListener((request, env) => this.#withMiddleware(request, env as HttpBindings))
  }

  /**
   * Serves one request. With tracing on, the request's context (its HTTP server span) is entered only while some
   * plugin contributes code that could run here (request hooks, authenticators, publish filters and actions), so
   * that code sees the span active as everywhere else; without any, this route passes the context to the bus and
   * its log lines itself, and no `AsyncLocalStorage` store is entered for it.
   */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const traced = requestTraceContexts.get(req)
    if (traced !== undefined && this.#plugins.any())
      context.with(traced, () => this.#handle(req, res, undefined))
    else this.#handle(req, res, traced)
  }

  #handle(req: IncomingMessage, res: ServerResponse, traced: TraceContext | undefined): void {
    this.#serve(req, res, traced).catch((error: unknown) =>
      // Writing the answer itself failed (the socket is gone): nothing left to tell the client.
      loggerIn(traced, this.#options.logger).warn({ err: error }, 'could not send the ingest answer'),
    )
  }

  /** `traced`: the request's context when it was not entered (see `handle`). */
  async #serve(req: IncomingMessage, res: ServerResponse, traced: TraceContext | undefined): Promise<void> {
    const started = performance.now()
    const reqId = requestIdOf(single(req.headers['x-request-id']))
    let status: number
    if (this.#options.closing.aborted) {
      res.setHeader('connection', 'close')
      status = send(res, this.#failure(new ShuttingDownError(), req, res, reqId, traced), reqId)
    } else if (hasRequestHooks(this.#options.extensions)) {
      // Set before the hooks run, so their answers (and errors) carry it too.
      res.setHeader('x-request-id', reqId)
      const chain = this.#nodeHooks.chain()
      if (chain === undefined) {
        await this.#wrapped(req, res)
        status = res.statusCode
      } else status = await this.#withNodeMiddleware(chain, req, res, reqId)
    } else {
      status = send(res, await this.#accept(req, res, reqId, undefined, traced), reqId)
    }
    const span = traced === undefined ? undefined : trace.getSpanContext(traced)
    logRequest(this.#options.logger, { reqId, method: 'POST', path: PATH, status }, started, span)
  }

  /**
   * The route itself: auth before the body is read, the limit while reading it, then the enqueue. Inside
   * middleware (`c`), the body is read through `readBodyText`, which takes what a middleware already read.
   */
  async #accept(
    req: IncomingMessage,
    res: ServerResponse,
    reqId: string,
    c?: Context<ServerEnv>,
    traced?: TraceContext,
  ): Promise<Answer> {
    const { access, bodyLimitBytes, runtime } = this.#options
    try {
      const authorization = c ? c.req.header('authorization') : single(req.headers.authorization)
      const pending = access.checkAuthorization(PATH, authorization, 'publish', () =>
        nodeRequestInfo('POST', PATH, req.headers, reqId),
      )
      if (pending !== undefined) await pending
      const text = c ? await readBodyText(c, bodyLimitBytes) : await readNodeBody(req, bodyLimitBytes)
      const event = readEvent(req.headers, text, runtime.bus.limits)
      const { id } = await (traced === undefined
        ? runtime.bus.enqueue(event)
        : runtime.bus.enqueue(event, { traceContext: traced }))
      return { status: 202, body: { id } }
    } catch (error) {
      return this.#failure(error, req, res, reqId, traced)
    }
  }

  #failure(
    error: unknown,
    req: IncomingMessage,
    res: ServerResponse,
    reqId: string,
    traced: TraceContext | undefined,
  ): Answer {
    // A body left unread (refused before or while reading it) would stall the next request on this connection.
    if (!req.complete) res.setHeader('connection', 'close')
    return errorAnswer(error, loggerIn(traced, this.#options.logger), reqId)
  }

  /**
   * The route inside middleware that all have a Node form (`NodeMiddleware`): no `Context`, `Request` or
   * `Response`. The answer is written after the chain, so headers the middleware set on `res` go with it.
   */
  async #withNodeMiddleware(
    chain: readonly NodeMiddleware[],
    req: IncomingMessage,
    res: ServerResponse,
    reqId: string,
  ): Promise<number> {
    let answer: Answer | undefined
    try {
      await runNodeMiddleware(chain, req, res, () =>
        this.#accept(req, res, reqId).then((accepted) => {
          answer = accepted
        }),
      )
    } catch (error) {
      // A middleware threw: answered as the app's onError answers it.
      answer = errorAnswer(error, this.#options.logger, reqId)
    }
    // A middleware that did not call `next` answered on `res` itself.
    if (answer === undefined) {
      if (!res.writableEnded) res.end()
      return res.statusCode
    }
    return send(res, answer, reqId)
  }

  async #withMiddleware(request: Request, env: HttpBindings): Promise<Response> {
    const c = new Context<ServerEnv>(request, { env })
    const { incoming, outgoing } = env
    const reqId = outgoing.getHeader('x-request-id') as string
    c.set('requestId', reqId)
    try {
      await runRequestHooks(c, this.#options.extensions, () =>
        this.#accept(incoming, outgoing, reqId, c).then((answer) => {
          c.res = c.json(answer.body, answer.status as 202)
        }),
      )
    } catch (error) {
      // A middleware threw: answered as the app's onError answers it.
      const { status, body } = errorAnswer(error, this.#options.logger, reqId)
      c.res = c.json(body, status)
    }
    return c.res
  }
}

// The headers as one flat list: without an earlier setHeader, Node writes them as given, with no header map made.
function send(res: ServerResponse, answer: Answer, reqId: string): number {
  const text = JSON.stringify(answer.body)
  res.writeHead(answer.status, [
    'content-type',
    'application/json',
    'content-length',
    String(Buffer.byteLength(text)),
    'x-request-id',
    reqId,
  ])
  res.end(text)
  return answer.status
}

// The path without a query string, as Hono routes it (strict: no trailing slash).
function isIngestPath(url: string | undefined): boolean {
  if (url === undefined || !url.startsWith(PATH)) return false
  return url.length === PATH.length || url[PATH.length] === '?'
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value

/**
 * `logger`, writing each line inside `traced` when there is one, so a failure's line has the request's trace ids
 * as every line written in a request has; the context is entered only when a line is written.
 */
function loggerIn(traced: TraceContext | undefined, logger: Logger): Logger {
  if (traced === undefined) return logger
  const inside =
    (write: LogFn): LogFn =>
    (...args: unknown[]) =>
      context.with(traced, () => Reflect.apply(write, logger, args))
  return {
    debug: inside(logger.debug),
    info: inside(logger.info),
    warn: inside(logger.warn),
    error: inside(logger.error),
    child: (bindings) => loggerIn(traced, logger.child(bindings)),
  }
}

/** The owner of the host's own contributions (the event catalog's schema check, `attachCatalog`): not plugin code. */
const HOST_OWNER = 'switchyard'

/**
 * Whether any plugin contributed to any extension point (asked again only when the contributions change): a
 * process without one runs no plugin code on the ingest path.
 */
class PluginCode {
  readonly #extensions: Pick<ExtensionRegistry, 'list' | 'revision'>
  #revision = -1
  #any = false

  constructor(extensions: Pick<ExtensionRegistry, 'list' | 'revision'>) {
    this.#extensions = extensions
  }

  any(): boolean {
    const { revision } = this.#extensions
    if (revision !== this.#revision) {
      this.#revision = revision
      this.#any = this.#extensions
        .list()
        .some((point) => point.contributions.some((contribution) => contribution.owner !== HOST_OWNER))
    }
    return this.#any
  }
}
