import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { CrossOriginError } from '../errors.js'
import type { ServerEnv } from '../http/server-env.js'

/** The name of the admin UI's session cookie. */
export const SESSION_COOKIE = 'switchyard_session'

/** Methods that change nothing: a cookie request with one of these needs no `Origin` check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

const isHttps = (c: Context<ServerEnv>) =>
  c.req.header('x-forwarded-proto') === 'https' || new URL(c.req.url).protocol === 'https:'

/**
 * The session id a request's cookie carries, if any.
 *
 * @example
 * ```ts
 * const id = sessionIdOf(c)
 * ```
 */
export function sessionIdOf(c: Context<ServerEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined
}

/**
 * Sets the session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), `Secure`
 * when the request came over https, for the whole server (the API and plugin routes), expiring with the session.
 *
 * @example
 * ```ts
 * setSessionCookie(c, id, sessions.ttlMs)
 * ```
 */
export function setSessionCookie(c: Context<ServerEnv>, id: string, ttlMs: number): void {
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    path: '/',
    maxAge: Math.floor(ttlMs / 1000),
  })
}

/**
 * Tells the browser to forget the session cookie (sign-out).
 *
 * @example
 * ```ts
 * clearSessionCookie(c)
 * ```
 */
export function clearSessionCookie(c: Context<ServerEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict', secure: isHttps(c) })
}

/**
 * Refuses (`E_CROSS_ORIGIN`, 403) a state-changing request whose `Origin` header is missing or names another
 * host than the one the request was sent to: a second line behind SameSite=Strict against cross-site requests
 * riding on the session cookie. Safe methods (GET, HEAD, OPTIONS) pass.
 *
 * @example
 * ```ts
 * assertSameOrigin(c) // before acting on a cookie-authenticated POST
 * ```
 */
export function assertSameOrigin(c: Context<ServerEnv>): void {
  if (SAFE_METHODS.has(c.req.method)) return
  const origin = c.req.header('origin')
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host')
  if (origin === undefined || origin === 'null') {
    throw new CrossOriginError(
      `${c.req.method} ${c.req.path} with a session cookie needs an Origin header naming this server`,
    )
  }
  let originHost: string
  try {
    originHost = new URL(origin).host
  } catch {
    throw new CrossOriginError(`Origin header "${origin}" is not a URL`)
  }
  if (originHost !== host) {
    throw new CrossOriginError(
      `cross-origin request refused: Origin "${origin}" is not this server (${host ?? 'no Host header'})`,
    )
  }
}
