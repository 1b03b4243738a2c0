import type { AccessControl } from '../auth/access-control.js'
import type { Principal } from '../auth/token-auth.js'
import { UnauthorizedError } from '../errors.js'
import type { ApiBuilder } from '../openapi/api-builder.js'
import {
  assertSameOrigin,
  clearSessionCookie,
  sessionIdOf,
  setSessionCookie,
} from '../session/session-cookie.js'
import { SessionInfo } from './responses/session-responses.js'
import { SessionBody } from './schemas.js'

const tag = 'session'

const describe = (principal: Principal, expiresAt: number) => ({
  name: principal.name,
  scopes: [...principal.scopes].sort(),
  expiresAt: new Date(expiresAt).toISOString(),
})

/**
 * The admin UI's sign-in: `POST /api/v1/session` exchanges a token for an HttpOnly, SameSite=Strict session
 * cookie carrying that token's scopes, `GET /api/v1/session` says who is signed in, `DELETE /api/v1/session`
 * signs out. Sign-in and sign-out must come from this server's origin (no login or logout from another site).
 *
 * @example
 * ```ts
 * sessionRoutes(api, access)
 * ```
 */
export function sessionRoutes(api: ApiBuilder, access: AccessControl): void {
  api.route(
    {
      method: 'post',
      path: '/api/v1/session',
      scope: 'read',
      public: true,
      tag,
      summary:
        "Sign in: exchange a token for a session cookie (HttpOnly, SameSite=Strict, expiring) carrying the token's scopes; needs an Origin header naming this server",
      body: SessionBody,
      responses: {
        200: { description: 'Signed in; the cookie is set', schema: SessionInfo },
        401: 'Unknown token',
        403: 'Cross-origin request',
      },
    },
    (c, { body }) => {
      assertSameOrigin(c)
      const { id, principal, expiresAt } = access.startSession(body.token)
      c.set('sessionPrincipal', principal)
      setSessionCookie(c, id, access.sessions.ttlMs)
      return c.json(describe(principal, expiresAt))
    },
  )
  api.route(
    {
      method: 'get',
      path: '/api/v1/session',
      scope: 'read',
      public: true,
      tag,
      summary: "Who the request's session cookie stands for",
      responses: {
        200: { description: 'The signed-in token', schema: SessionInfo },
        401: 'No session, or it expired',
      },
    },
    (c) => {
      const id = sessionIdOf(c)
      const session = id === undefined ? undefined : access.sessionOf(id)
      if (session === undefined)
        throw new UnauthorizedError('not signed in: POST /api/v1/session with a token')
      return c.json(describe(session.principal, session.expiresAt))
    },
  )
  api.route(
    {
      method: 'delete',
      path: '/api/v1/session',
      scope: 'read',
      public: true,
      tag,
      summary: 'Sign out: end the session and clear its cookie',
      responses: { 204: 'Signed out', 403: 'Cross-origin request' },
    },
    (c) => {
      assertSameOrigin(c)
      const id = sessionIdOf(c)
      if (id !== undefined) access.sessions.delete(id)
      clearSessionCookie(c)
      return c.body(null, 204)
    },
  )
}
