import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener, type HttpBindings } from '@hono/node-server'
import type { ExtensionRegistry, Logger } from '@switchyard/core'
import { Context } from 'hono'
import type { AccessControl } from '../auth/access-control.js'
import { ShuttingDownError } from '../errors.js'
import { type ErrorBody, errorAnswer } from '../http/error-response.js'
import { readBodyText, readNodeBody } from '../http/request-body.js'
import { logRequest, requestIdOf } from '../http/request-context.js'
import { hasRequestHooks, runRequestHooks } from '../http/request-hooks.js'
import { nodeRequestInfo } from '../http/request-info.js'
import type { ServerEnv } from '../http/server-env.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { readEvent } from './read-event.js'

/** What the ingest route needs: the same settings the Hono app gets. */
export interface NodeIngestOptions {
  runtime: Pick<ServerRuntime, 'bus'>
  access: AccessControl
  logger: Logger
  bodyLimitBytes: number
  /** Aborted when shutdown begins: requests are then answered 503 with `Connection: close`. */
  closing: AbortSignal
  /** Where plugins contribute request hooks (`runRequestHooks`), which wrap ingest as they wrap every other request. */
  extensions: Pick<ExtensionRegistry, 'has' | 'contributions'>
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
 * `pnpm bench -- http`). While a plugin contributes request hooks, the contributions wrap the same ingest in
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
    ingest.serve(req, res).catch((error: unknown) =>
      // Writing the answer itself failed (the socket is gone): nothing left to tell the client.
      options.logger.warn({ err: error }, 'could not send the ingest answer'),
    )
    return true
  }
}

/** One instance per server: requests go through its methods, so no closure is made per request. */
class Ingest {
  readonly #options: NodeIngestOptions
  readonly #wrapped: (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<void>

  constructor(options: NodeIngestOptions) {
    this.#options = options
    // Only ever handed the Node HTTP/1 requests `serve` got.
    this.#wrapped = getRequestListener((request, env) => this.#withMiddleware(request, env as HttpBindings))
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    const reqId = requestIdOf(single(req.headers['x-request-id']))
    let status: number
    if (this.#options.closing.aborted) {
      res.setHeader('connection', 'close')
      status = send(res, this.#failure(new ShuttingDownError(), req, res, reqId), reqId)
    } else if (hasRequestHooks(this.#options.extensions)) {
      // Set before the hooks run, so their answers (and errors) carry it too.
      res.setHeader('x-request-id', reqId)
      await this.#wrapped(req, res)
      status = res.statusCode
    } else {
      status = send(res, await this.#accept(req, res, reqId), reqId)
    }
    logRequest(this.#options.logger, { reqId, method: 'POST', path: PATH, status }, started)
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
  ): Promise<Answer> {
    const { access, bodyLimitBytes, runtime } = this.#options
    try {
      const authorization = c ? c.req.header('authorization') : single(req.headers.authorization)
      const pending = access.checkAuthorization(PATH, authorization, 'publish', () =>
        nodeRequestInfo('POST', PATH, req.headers, reqId),
      )
      if (pending !== undefined) await pending
      const text = c ? await readBodyText(c, bodyLimitBytes) : await readNodeBody(req, bodyLimitBytes)
      const { id } = await runtime.bus.enqueue(readEvent(req.headers, text, runtime.bus.limits))
      return { status: 202, body: { id } }
    } catch (error) {
      return this.#failure(error, req, res, reqId)
    }
  }

  #failure(error: unknown, req: IncomingMessage, res: ServerResponse, reqId: string): Answer {
    // A body left unread (refused before or while reading it) would stall the next request on this connection.
    if (!req.complete) res.setHeader('connection', 'close')
    return errorAnswer(error, this.#options.logger, reqId)
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
