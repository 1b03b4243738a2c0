import {
  type ExtensionRegistry,
  type HttpRequestInfo,
  type HttpResponseInfo,
  type PreRequestValue,
  serviceExtensionPoints,
} from '@switchyard/core'
import type { Context, MiddlewareHandler } from 'hono'
import { requestInfoOf } from './request-info.js'
import type { ServerEnv } from './server-env.js'

const { preRequest, postResponse } = serviceExtensionPoints
type Extensions = Pick<ExtensionRegistry, 'has' | 'contributions'>

/**
 * Whether any plugin wraps requests (`middleware.pre_request`, `http.middleware`, `middleware.post_response`):
 * without one, a request pays for none of it.
 *
 * @example
 * ```ts
 * if (hasRequestHooks(bus.extensions)) await runRequestHooks(c, bus.extensions, next)
 * ```
 */
export function hasRequestHooks(extensions: Pick<ExtensionRegistry, 'has'>): boolean {
  return extensions.has('http.middleware') || extensions.has(preRequest) || extensions.has(postResponse)
}

/**
 * Runs the plugins' request hooks around `next` (Marty's middleware points beside Hono's): the
 * `middleware.pre_request` filters in priority order (each may change the request's headers, or answer it, which
 * skips the rest and the route), then the `http.middleware` contributions around the route (lowest priority
 * outermost), then the `middleware.post_response` filters in priority order over the answer's status and headers.
 *
 * @example
 * ```ts
 * await runRequestHooks(c, bus.extensions, async () => { c.res = c.json({ ok: true }) })
 * ```
 */
export function runRequestHooks(
  c: Context<ServerEnv>,
  extensions: Extensions,
  next: () => Promise<void>,
): Promise<void> {
  // Only http.middleware (request-tracing in the shipped config): its chain's promise, without one more around it.
  if (!extensions.has(preRequest) && !extensions.has(postResponse))
    return runPluginMiddleware(c, extensions, next)
  return runAllRequestHooks(c, extensions, next)
}

async function runAllRequestHooks(
  c: Context<ServerEnv>,
  extensions: Extensions,
  next: () => Promise<void>,
): Promise<void> {
  let request: HttpRequestInfo | undefined
  let answer: HttpResponseInfo | undefined
  if (extensions.has(preRequest)) {
    const value = await preRequestChain(extensions, { request: requestInfoOf(c) })
    request = value.request
    answer = value.response
    if (answer === undefined) applyRequestHeaders(c, request.headers)
  }
  if (answer === undefined) await runPluginMiddleware(c, extensions, next)
  else c.res = new Response(answer.body ?? null, { status: answer.status, headers: answer.headers })
  if (extensions.has(postResponse)) {
    const response = { status: c.res.status, headers: Object.fromEntries(c.res.headers) }
    let value = { request: request ?? requestInfoOf(c), response }
    for (const { fn } of extensions.contributions(postResponse)) value = (await fn(value)) ?? value
    if (value.response !== response || !sameHeaders(value.response.headers, response.headers)) {
      c.res = new Response(c.res.body, { status: value.response.status, headers: value.response.headers })
    }
  }
}

/**
 * Runs the plugins' `http.middleware` contributions (Hono middleware, lowest priority number outermost) around
 * `next`.
 *
 * @example
 * ```ts
 * await runPluginMiddleware(c, bus.extensions, async () => { c.res = c.json({ ok: true }) })
 * ```
 */
export function runPluginMiddleware(
  c: Context<ServerEnv>,
  extensions: Pick<ExtensionRegistry, 'contributions'>,
  next: () => Promise<void>,
): Promise<void> {
  const chain = extensions
    .contributions('http.middleware')
    .map(({ fn }) => fn as unknown as MiddlewareHandler)
  // Not async functions: with AsyncLocalStorage in use (the host's plugin scopes) every promise runs Node's
  // promise hooks, and an async step per middleware with an await on each side made four per middleware.
  const dispatch = (i: number): Promise<void> => {
    const middleware = chain[i]
    try {
      if (middleware === undefined) return next()
      return Promise.resolve(middleware(c as unknown as Context, () => dispatch(i + 1))).then(ignore)
    } catch (error) {
      return Promise.reject(error)
    }
  }
  return dispatch(0)
}

// A middleware may resolve to a Response (Hono's compose would take it); here the answer is `c.res`, as before.
const ignore = (): void => {}

// The first contribution to set `response` answers: later ones and the route do not run.
async function preRequestChain(extensions: Extensions, initial: PreRequestValue): Promise<PreRequestValue> {
  let value = initial
  for (const { fn } of extensions.contributions(preRequest)) {
    value = (await fn(value)) ?? value
    if (value.response !== undefined) break
  }
  return value
}

// Header changes reach the route through the request it reads (Hono's `c.req.raw`), changed in place so its
// body stays unread.
function applyRequestHeaders(c: Context<ServerEnv>, wanted: Record<string, string>): void {
  const current = c.req.raw.headers
  const before = Object.fromEntries(current)
  if (sameHeaders(before, wanted)) return
  for (const name of Object.keys(before)) if (!(name in wanted)) current.delete(name)
  for (const [name, value] of Object.entries(wanted)) if (before[name] !== value) current.set(name, value)
}

function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}
