import * as crypto from 'node:crypto'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { ForbiddenError, UnauthorizedError } from '../errors.js'

/**
 * What a token may do: `read` state, `publish` events, `metrics` scrape `/metrics` (so does `read`), `admin`
 * everything (it implies the others).
 */
export type Scope = 'admin' | 'publish' | 'read' | 'metrics'

/** One configured bearer token (config `auth.tokens`). */
export interface TokenConfig {
  name: string
  token: string
  scopes: readonly Scope[]
}

/** Who made a request: the name of the token it carried and that token's scopes. */
export interface Principal {
  name: string
  scopes: ReadonlySet<Scope>
}

/** A token known by its SHA-256 only (the token file): it works like a configured one. */
export interface StoredToken {
  name: string
  scopes: readonly Scope[]
  digest: Buffer
}

interface TokenEntry extends Principal {
  digest: Buffer
}

/**
 * The SHA-256 of a token: what the token file keeps and what a presented token is compared by.
 *
 * @example
 * ```ts
 * tokenDigest('secret').toString('hex')
 * ```
 */
export function tokenDigest(token: string): Buffer {
  return sha256(token)
}

// Every request with a bearer token hashes it: Node's one-shot `crypto.hash` (20.12+) makes no Hash object and
// takes about half the CPU time of `createHash().update().digest()` for a token; older Node 20s get the latter.
const sha256: (text: string) => Buffer =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'buffer')
    : (text) => createHash('sha256').update(text).digest()

// What each scope also grants: reading includes scraping metrics.
const IMPLIED_BY: Partial<Record<Scope, Scope>> = { metrics: 'read' }

/**
 * Checks bearer tokens in constant time. Every presented token is hashed and compared with the digest of
 * every configured token (equal-length digests, `timingSafeEqual`, no early exit), so neither the length of a
 * token nor how many characters of it are right shows in the response time.
 *
 * @example
 * ```ts
 * const auth = new TokenAuth([{ name: 'ci', token: process.env.CI_TOKEN!, scopes: ['publish'] }])
 * const who = auth.authorize(request.headers.get('authorization'), 'publish') // throws 401/403 errors
 * ```
 */
export class TokenAuth {
  #entries: TokenEntry[]

  constructor(tokens: readonly TokenConfig[], stored: readonly StoredToken[] = []) {
    this.#entries = [
      ...tokens.map((t) => ({ name: t.name, scopes: new Set(t.scopes), digest: tokenDigest(t.token) })),
      ...stored.map((t) => ({ name: t.name, scopes: new Set(t.scopes), digest: t.digest })),
    ]
  }

  /** How many tokens are configured. */
  get size(): number {
    return this.#entries.length
  }

  /**
   * Returns the principal of an `Authorization: Bearer <token>` header that grants `scope`; throws
   * `UnauthorizedError` (no or unknown token) or `ForbiddenError` (known token without the scope).
   */
  authorize(header: string | null | undefined, scope: Scope): Principal {
    return granting(this.#authenticate(header), scope)
  }

  /**
   * `authorize` for a token known by its SHA-256 (an admin UI session keeps only that): throws `UnauthorizedError`
   * when no token in force has this digest any more, `ForbiddenError` when it lacks `scope`.
   */
  authorizeDigest(digest: Buffer, scope: Scope): Principal {
    const found = this.#find(digest)
    if (!found)
      throw new UnauthorizedError('the token this session was started with is no longer valid: sign in again')
    return granting(found, scope)
  }

  /** The principal of a header carrying a known token, whatever its scopes; undefined otherwise. */
  identify(header: string | null | undefined): Principal | undefined {
    try {
      return this.#authenticate(header)
    } catch {
      return undefined
    }
  }

  /** The principal of a token known by its SHA-256, whatever its scopes; undefined when none has it. */
  identifyDigest(digest: Buffer): Principal | undefined {
    return this.#find(digest)
  }

  #authenticate(header: string | null | undefined): Principal {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
    if (!match) throw new UnauthorizedError('missing bearer token: send "Authorization: Bearer <token>"')
    const found = this.#find(tokenDigest(match[1]!))
    if (!found) throw new UnauthorizedError('unknown bearer token')
    return found
  }

  #find(presented: Buffer): TokenEntry | undefined {
    let found: TokenEntry | undefined
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, presented) && !found) found = entry
    }
    return found
  }
}

function granting(principal: Principal, scope: Scope): Principal {
  const implied = IMPLIED_BY[scope]
  const granted =
    principal.scopes.has(scope) ||
    principal.scopes.has('admin') ||
    (implied !== undefined && principal.scopes.has(implied))
  if (!granted) {
    throw new ForbiddenError(`token "${principal.name}" lacks the "${scope}" scope this endpoint needs`)
  }
  return principal
}

/**
 * A fresh random admin token, for a server started with no token configured.
 *
 * @example
 * ```ts
 * const token = generateAdminToken() // 43 url-safe characters
 * ```
 */
export function generateAdminToken(): TokenConfig {
  return { name: 'generated-admin', token: newToken(), scopes: ['admin', 'publish', 'read'] }
}

/**
 * A fresh random token: 32 bytes, url-safe base64 (43 characters).
 *
 * @example
 * ```ts
 * const token = newToken()
 * ```
 */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}
