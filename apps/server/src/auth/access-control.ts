import { type ExtensionRegistry, type HttpRequestInfo, serviceExtensionPoints } from '@switchyard/core'
import type { Context, MiddlewareHandler } from 'hono'
import { ForbiddenError } from '../errors.js'
import { requestInfoOf } from '../http/request-info.js'
import type { PluginPrincipal, ServerEnv } from '../http/server-env.js'
import { authenticateRequest } from './plugin-authentication.js'
import { type Principal, type Scope, type StoredToken, TokenAuth, type TokenConfig } from './token-auth.js'

const { authenticate } = serviceExtensionPoints

/**
 * The server's current auth settings: the tokens and the paths reachable without one (config `auth`), and the
 * plugins' `auth.authenticate` contributions, tried before the tokens. Tokens and paths are replaced as a whole
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
   */
  check(c: Context<ServerEnv>, scope: Scope): void | Promise<void> {
    return this.checkAuthorization(
      c.req.path,
      c.req.header('authorization'),
      scope,
      () => requestInfoOf(c),
      (principal) => c.set('pluginPrincipal', principal),
    )
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
