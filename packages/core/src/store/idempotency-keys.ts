import { Fifo } from '../delivery/fifo.js'

/**
 * The idempotency records of one handler in a `MemoryStore`: keys with an expiry, at most `max` of them, the
 * least recently marked dropped first. Marks are also queued in marking order (key and expiry), so dropping
 * the oldest takes the queue's head: a `Map` used as a queue would make each eviction skip the deleted entries
 * at its front, which grows with the table. A queued mark whose key was marked again later is stale (the
 * expiries differ) and is skipped when it comes out.
 *
 * @example
 * ```ts
 * const keys = new IdempotencyKeys(100_000, 24 * 3600_000)
 * keys.add('order-1', Date.now())
 * keys.has('order-1', Date.now()) // true
 * ```
 */
export class IdempotencyKeys {
  #max: number
  #ttlMs: number
  #expiries = new Map<string, number>()
  #queuedKeys = new Fifo<string>()
  #queuedExpiries = new Fifo<number>()

  constructor(max: number, ttlMs: number) {
    this.#max = max
    this.#ttlMs = ttlMs
  }

  has(key: string, now: number): boolean {
    const expiresAt = this.#expiries.get(key)
    if (expiresAt === undefined) return false
    if (expiresAt > now) return true
    this.#expiries.delete(key)
    return false
  }

  add(key: string, now: number): void {
    const expiresAt = now + this.#ttlMs
    this.#expiries.set(key, expiresAt)
    this.#queuedKeys.push(key)
    this.#queuedExpiries.push(expiresAt)
    // Drop from the oldest end what expired or exceeds the bound; stale marks count toward a bound of their own.
    while (
      this.#expiries.size > this.#max ||
      this.#queuedKeys.length > 2 * this.#max ||
      (this.#queuedExpiries.peek() ?? Number.POSITIVE_INFINITY) <= now
    ) {
      const oldest = this.#queuedKeys.shift()!
      if (this.#expiries.get(oldest) === this.#queuedExpiries.shift()) this.#expiries.delete(oldest)
    }
  }
}
