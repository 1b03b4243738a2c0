import { type ExtensionRegistry, type HttpRequestInfo, serviceExtensionPoints } from '@switchyard/core'
import type { Context, MiddlewareHandler } from 'hono'
import { ForbiddenError, UnauthorizedError } from '../errors.js'
import { requestInfoOf } from '../http/request-info.js'
import type { PluginPrincipal, ServerEnv } from '../http/server-env.js'
import { assertSameOrigin, sessionIdOf } from '../session/session-cookie.js'
import { SessionStore } from '../session/session-store.js'
import { authenticateRequest } from './plugin-authentication.js'
import type { Principal, Scope, StoredToken, TokenConfig } from './token-auth.js'
import { TokenAuth, tokenDigest } from './token-auth.js'

const { authenticate } = serviceExtensionPoints

/**
 * The server's current auth settings: the tokens and the paths reachable without one (config `auth`), and the
 * plugins' `auth.authenticate` contributions, tried before the tokens; the admin UI's sessions (a cookie standing
 * for a token, checked against the tokens in force on every request). Tokens and paths are replaced as a whole
 * on config reload, so a request sees either the old settings or the new ones. Checks stay synchronous while no
 * plugin contributes to `auth.authenticate`.
 *
 * @example
 * ```ts
 * const access = new AccessControl(tokens, ['/healthz', '/readyz'])
 * access.authenticateWith(bus.extensions)
 * app.get('/api/v1/events/plugins', access.guard('read'), handler)
 * ```
 */
export class AccessControl {
  /** The admin UI's signed-in browsers. */
  readonly sessions = new SessionStore()
  #tokens: TokenAuth
  #exact = new Set<string>()
  #prefixes: string[] = []
  #extensions: Pick<ExtensionRegistry, 'has' | 'contributions'> | undefined

  constructor(
    tokens: readonly TokenConfig[],
    publicPaths: readonly string[],
    stored: readonly StoredToken[] = [],
  ) {
    this.#tokens = new TokenAuth(tokens, stored)
    this.#setPublicPaths(publicPaths)
  }

  /** Swaps in new tokens and public paths (after a config reload, or a change of the token file). */
  update(
    tokens: readonly TokenConfig[],
    publicPaths: readonly string[],
    stored: readonly StoredToken[] = [],
  ): void {
    this.#tokens = new TokenAuth(tokens, stored)
    this.#setPublicPaths(publicPaths)
  }

  /** Asks `extensions`' `auth.authenticate` contributions from now on (the plugins started after the tokens were read). */
  authenticateWith(extensions: Pick<ExtensionRegistry, 'has' | 'contributions'>): void {
    this.#extensions = extensions
  }

  /** Whether `path` needs no token: listed exactly, or under an entry ending in `*` (`/plugins/demo/*`). */
  isPublic(path: string): boolean {
    if (this.#exact.has(path)) return true
    return this.#prefixes.some((prefix) => path.startsWith(prefix))
  }

  /**
   * Throws (or rejects with) the 401/403 error unless the path is public or the request is granted `scope`. A
   * principal a plugin authenticated is kept on the context (`pluginPrincipal`) for the audit trail, refused or not.
   * A request without an `Authorization` header may carry a session cookie instead: it is granted what the
   * session's token is granted, and a state-changing one must come from this server's origin (`E_CROSS_ORIGIN`).
   */
  check(c: Context<ServerEnv>, scope: Scope): void | Promise<void> {
    const authorization = c.req.header('authorization')
    const sessionId = authorization === undefined ? sessionIdOf(c) : undefined
    if (sessionId !== undefined && !this.isPublic(c.req.path)) {
      c.set('sessionPrincipal', this.#authorizeSession(c, sessionId, scope))
      return
    }
    return this.checkAuthorization(
      c.req.path,
      authorization,
      scope,
      () => requestInfoOf(c),
      (principal) => c.set('pluginPrincipal', principal),
    )
  }

  /**
   * Starts an admin UI session for `token` (a configured or token-file token): its principal, the session id for
   * the cookie and when the session ends (epoch ms). Throws `E_UNAUTHORIZED` for a token the server does not know.
   */
  startSession(token: string): { id: string; principal: Principal; expiresAt: number } {
    const digest = tokenDigest(token)
    const principal = this.#tokens.identifyDigest(digest)
    if (principal === undefined) throw new UnauthorizedError('unknown token')
    const { id, session } = this.sessions.create(digest)
    return { id, principal, expiresAt: session.expiresAt }
  }

  /** Who a live session stands for, and when it ends; undefined when the session or its token is gone. */
  sessionOf(id: string): { principal: Principal; expiresAt: number } | undefined {
    const session = this.sessions.get(id)
    const principal = session && this.#tokens.identifyDigest(session.digest)
    return principal && session && { principal, expiresAt: session.expiresAt }
  }

  /**
   * `check` given the path and the `Authorization` header rather than a Hono context; `request` describes the
   * whole request to `auth.authenticate` contributions (asked only when there are some), and `identified` hears
   * of the principal one of them named, before its scopes are checked.
   */
  checkAuthorization(
    path: string,
    authorization: string | undefined,
    scope: Scope,
    request?: () => HttpRequestInfo,
    identified?: (principal: PluginPrincipal) => void,
  ): void | Promise<void> {
    if (this.isPublic(path)) return
    if (this.#extensions?.has(authenticate)) {
      const info = request?.() ?? minimalRequest(path, authorization)
      return this.#authorizeWithPlugins(info, authorization, scope, identified)
    }
    this.#tokens.authorize(authorization, scope)
  }

  /**
   * Whether the request is granted `scope`, public path or not: how a public endpoint decides to show details
   * only to a reader (`/healthz`, `/readyz`). `request` describes it to `auth.authenticate` contributions.
   */
  async grants(
    authorization: string | undefined,
    scope: Scope,
    request?: () => HttpRequestInfo,
  ): Promise<boolean> {
    try {
      if (this.#extensions?.has(authenticate)) {
        const info = request?.() ?? minimalRequest('/', authorization)
        await this.#authorizeWithPlugins(info, authorization, scope)
      } else if (authorization === undefined) return false
      else this.#tokens.authorize(authorization, scope)
      return true
    } catch {
      return false
    }
  }

  /** Who an `Authorization` header names (a known token's name and scopes), or undefined; never throws. */
  identify(authorization: string | undefined): Principal | undefined {
    return this.#tokens.identify(authorization)
  }

  /** Middleware that lets a request through when its path is public or it is granted `scope`. */
  guard(scope: Scope): MiddlewareHandler<ServerEnv> {
    return async (c, next) => {
      await this.check(c, scope)
      await next()
    }
  }

  #authorizeSession(c: Context<ServerEnv>, id: string, scope: Scope): Principal {
    const session = this.sessions.get(id)
    if (session === undefined) throw new UnauthorizedError('session expired or unknown: sign in again')
    assertSameOrigin(c)
    return this.#tokens.authorizeDigest(session.digest, scope)
  }

  async #authorizeWithPlugins(
    request: HttpRequestInfo,
    authorization: string | undefined,
    scope: Scope,
    identified?: (principal: PluginPrincipal) => void,
  ) {
    const found = await authenticateRequest(this.#extensions!, request)
    if (found === undefined) {
      this.#tokens.authorize(authorization, scope)
      return
    }
    const { principal, by } = found
    identified?.({ name: principal.name, scopes: [...principal.scopes], plugin: by })
    if (!principal.scopes.includes(scope) && !principal.scopes.includes('admin')) {
      throw new ForbiddenError(`"${principal.name}" lacks the "${scope}" scope this endpoint needs`)
    }
  }

  #setPublicPaths(paths: readonly string[]): void {
    this.#exact = new Set(paths.filter((p) => !p.endsWith('*')))
    this.#prefixes = paths.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1))
  }
}

function minimalRequest(path: string, authorization: string | undefined): HttpRequestInfo {
  return {
    method: 'GET',
    url: `http://localhost${path}`,
    path,
    headers: authorization === undefined ? {} : { authorization },
    requestId: '',
  }
}
