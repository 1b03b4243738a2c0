import type { IncomingHttpHeaders } from 'node:http'
import type { HttpRequestInfo } from '@switchyard/core'
import type { Context } from 'hono'
import type { ServerEnv } from './server-env.js'

/**
 * A request as plain JSON, for `middleware.pre_request`, `middleware.post_response` and `auth.authenticate`
 * contributions (which may run in an isolated plugin).
 *
 * @example
 * ```ts
 * requestInfoOf(c) // { method: 'GET', url: 'http://…/plugins/status', path: '/plugins/status', headers: {…}, requestId }
 * ```
 */
export function requestInfoOf(c: Context<ServerEnv>): HttpRequestInfo {
  return {
    method: c.req.method,
    url: c.req.url,
    path: c.req.path,
    headers: Object.fromEntries(c.req.raw.headers),
    requestId: c.get('requestId'),
  }
}

/**
 * The same from a Node request (the ingest route answers on it without a `Request`).
 *
 * @example
 * ```ts
 * nodeRequestInfo('POST', '/api/v1/events', req.headers, reqId)
 * ```
 */
export function nodeRequestInfo(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  requestId: string,
): HttpRequestInfo {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return { method, url: `http://${flat.host ?? 'localhost'}${path}`, path, headers: flat, requestId }
}
