import type { Context, MiddlewareHandler } from 'hono'
import { type Scope, type StoredToken, TokenAuth, type TokenConfig } from './token-auth.js'

/**
 * The server's current auth settings: the tokens and the paths reachable without one (config `auth`).
 * Replaced as a whole on config reload, so a request sees either the old settings or the new ones.
 *
 * @example
 * ```ts
 * const access = new AccessControl(tokens, ['/healthz', '/readyz'])
 * app.get('/api/v1/events/plugins', access.guard('read'), handler)
 * ```
 */
export class AccessControl {
  #tokens: TokenAuth
  #exact = new Set<string>()
  #prefixes: string[] = []

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

  /** Whether `path` needs no token: listed exactly, or under an entry ending in `*` (`/plugins/demo/*`). */
  isPublic(path: string): boolean {
    if (this.#exact.has(path)) return true
    return this.#prefixes.some((prefix) => path.startsWith(prefix))
  }

  /** Throws the 401/403 error unless the request's path is public or its token grants `scope`. */
  check(c: Context, scope: Scope): void {
    this.checkAuthorization(c.req.path, c.req.header('authorization'), scope)
  }

  /** `check` given the path and the `Authorization` header rather than a Hono context. */
  checkAuthorization(path: string, authorization: string | undefined, scope: Scope): void {
    if (!this.isPublic(path)) this.#tokens.authorize(authorization, scope)
  }

  /**
   * Whether the `Authorization` header carries a token granting `scope`, public path or not: how a public
   * endpoint decides to show details only to a reader (`/healthz`, `/readyz`).
   */
  grants(authorization: string | undefined, scope: Scope): boolean {
    if (authorization === undefined) return false
    try {
      this.#tokens.authorize(authorization, scope)
      return true
    } catch {
      return false
    }
  }

  /** Middleware that lets a request through when its path is public or its token grants `scope`. */
  guard(scope: Scope): MiddlewareHandler {
    return async (c, next) => {
      this.check(c, scope)
      await next()
    }
  }

  #setPublicPaths(paths: readonly string[]): void {
    this.#exact = new Set(paths.filter((p) => !p.endsWith('*')))
    this.#prefixes = paths.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1))
  }
}
