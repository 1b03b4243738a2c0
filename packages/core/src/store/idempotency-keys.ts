/**
 * The idempotency records of one handler in a `MemoryStore`: keys with an expiry, at most `max` of them, the
 * least recently marked dropped first, expired ones dropped as marking goes on. One `Map` holds it all and
 * keeps marking order (a key marked again moves to the end), so the front is both the oldest mark and the
 * earliest expiry; a `Map` iterator kept open across marks walks that front (a fresh `keys().next()` per drop
 * would skip every deleted slot at the table's start). Expiries are milliseconds from the table's creation:
 * small integers V8 keeps unboxed for 24 days of uptime, rather than a heap number per key.
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
  #epoch: number
  #expiries = new Map<string, number>()
  #order: MapIterator<[string, number]> = this.#expiries.entries()
  /** The front entry, taken from `#order` and still in the table (undefined: not taken yet). */
  #front: [string, number] | undefined = undefined

  constructor(max: number, ttlMs: number, now = Date.now()) {
    this.#max = max
    this.#ttlMs = ttlMs
    this.#epoch = now
  }

  has(key: string, now: number): boolean {
    const expiresAt = this.#expiries.get(key)
    if (expiresAt === undefined) return false
    if (expiresAt > now - this.#epoch) return true
    this.#delete(key)
    return false
  }

  add(key: string, now: number): void {
    const at = now - this.#epoch
    const expiries = this.#expiries
    const size = expiries.size
    expiries.set(key, at + this.#ttlMs)
    if (expiries.size === size) {
      // Marked again: to the end, where its expiry belongs.
      this.#delete(key)
      expiries.set(key, at + this.#ttlMs)
    }
    while (expiries.size > this.#max || (this.#peek()?.[1] ?? Number.POSITIVE_INFINITY) <= at)
      this.#delete(this.#front![0])
  }

  /** The front entry. `#order` has passed only deleted entries, so it is not done while the table has any. */
  #peek(): [string, number] | undefined {
    if (this.#front === undefined && this.#expiries.size > 0) this.#front = this.#order.next().value
    return this.#front
  }

  #delete(key: string): void {
    this.#expiries.delete(key)
    if (key === this.#front?.[0]) this.#front = undefined
  }
}
