import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ExtensionRegistry, Logger } from '@switchyard/core'
import type { AccessControl } from './access-control.js'
import { errorAnswer } from './error-response.js'
import { ShuttingDownError } from './errors.js'
import { readEvent } from './read-event.js'
import { readNodeBody } from './request-body.js'
import { logRequest, requestIdOf } from './request-context.js'
import type { ServerRuntime } from './server-runtime.js'

/** What the Node ingest path needs: the same settings the Hono app gets. */
export interface NodeIngestOptions {
  runtime: Pick<ServerRuntime, 'bus'>
  access: AccessControl
  logger: Logger
  bodyLimitBytes: number
  /** Aborted when shutdown begins: requests are then answered 503 with `Connection: close`. */
  closing: AbortSignal
  /** While a plugin contributes `http.middleware`, ingest goes through Hono so the middleware wraps it. */
  extensions: Pick<ExtensionRegistry, 'has'>
}

const PATH = '/api/v1/events'

/**
 * `POST /api/v1/events` answered on the Node request itself, in front of the Hono app: the same request id,
 * shutdown refusal, bearer auth, body limit, event parsing (plain JSON and both CloudEvents modes), enqueue,
 * `{ error: { code, message } }` answers and request log line as the app's route, at about twice its
 * throughput (`pnpm bench -- http`): Hono's WHATWG Request, Headers and Response objects cost more per request
 * than all the route's own work. Returns false, touching nothing, for any other request and while a plugin
 * contributes `http.middleware` (then the app serves ingest, inside that middleware).
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
  const { runtime, access, logger, bodyLimitBytes, closing, extensions } = options
  return (req, res) => {
    if (req.method !== 'POST' || !isIngestPath(req.url) || extensions.has('http.middleware')) return false
    const started = performance.now()
    const reqId = requestIdOf(single(req.headers['x-request-id']))
    res.setHeader('x-request-id', reqId)
    const answer = (status: number, body: unknown) => {
      const text = JSON.stringify(body)
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      res.end(text)
      logRequest(logger, { reqId, method: 'POST', path: PATH, status }, started)
    }
    const fail = (error: unknown) => {
      const { status, body } = errorAnswer(error, logger, reqId)
      // A body left unread (refused before or while reading it) would stall the next request on this connection.
      if (!req.complete) res.setHeader('connection', 'close')
      answer(status, body)
    }
    if (closing.aborted) {
      res.setHeader('connection', 'close')
      fail(new ShuttingDownError())
      return true
    }
    try {
      access.checkAuthorization(PATH, single(req.headers.authorization), 'publish')
    } catch (error) {
      fail(error)
      return true
    }
    readNodeBody(req, bodyLimitBytes)
      .then((text) => runtime.bus.enqueue(readEvent(req.headers, text)))
      .then(({ id }) => answer(202, { id }), fail)
      // Writing the answer itself failed (the socket is gone): nothing left to tell the client.
      .catch((error: unknown) => logger.warn({ err: error, reqId }, 'could not send the ingest answer'))
    return true
  }
}

// The path without a query string, as Hono routes it (strict: no trailing slash).
function isIngestPath(url: string | undefined): boolean {
  if (url === undefined || !url.startsWith(PATH)) return false
  return url.length === PATH.length || url[PATH.length] === '?'
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value
