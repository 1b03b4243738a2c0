import { randomBytes } from 'node:crypto'

/** One signed-in browser: the digest of the token it signed in with, and when the session ends. */
export interface Session {
  /** SHA-256 of the token: every request is checked against the tokens in force, so a revoked token ends it. */
  digest: Buffer
  /** Epoch milliseconds. */
  expiresAt: number
}

/** How long a session lasts after sign-in, unless the options say otherwise: 8 hours, a working day. */
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000
/** Sessions kept at most; past it the oldest is dropped (sign-in is admin-facing, so this is generous). */
const MAX_SESSIONS = 10_000

/**
 * The admin UI's sessions, in memory: a random 256-bit id (the cookie's value) for the digest of the token the
 * browser signed in with. Nothing of the token itself is kept, and the id is useless once the process exits
 * (users sign in again after a restart).
 *
 * @example
 * ```ts
 * const sessions = new SessionStore()
 * const { id } = sessions.create(tokenDigest(token))
 * sessions.get(id)?.digest
 * ```
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>()
  readonly #ttlMs: number
  readonly #now: () => number

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS
    this.#now = options.now ?? Date.now
  }

  /** How long a new session lasts, in milliseconds. */
  get ttlMs(): number {
    return this.#ttlMs
  }

  /** Starts a session for a token's digest; returns its id and when it ends. */
  create(digest: Buffer): { id: string; session: Session } {
    this.#sweep()
    if (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value
      if (oldest !== undefined) this.#sessions.delete(oldest)
    }
    const id = randomBytes(32).toString('base64url')
    const session = { digest, expiresAt: this.#now() + this.#ttlMs }
    this.#sessions.set(id, session)
    return { id, session }
  }

  /** The live session of an id, or undefined (unknown or expired: an expired one is forgotten). */
  get(id: string): Session | undefined {
    const session = this.#sessions.get(id)
    if (session === undefined) return undefined
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(id)
      return undefined
    }
    return session
  }

  /** Ends a session (sign-out); false when there was none. */
  delete(id: string): boolean {
    return this.#sessions.delete(id)
  }

  // Insertion order is expiry order (one TTL for all), so expired sessions are at the front.
  #sweep(): void {
    const now = this.#now()
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt > now) break
      this.#sessions.delete(id)
    }
  }
}
