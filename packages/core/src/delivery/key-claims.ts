/**
 * The idempotency keys one handler is delivering now, each with the deliveries of the same key waiting for it.
 * A handler mostly has one idempotent delivery in flight, so the first claim is kept in a field and compared
 * by identity: no hash of the key is computed and no `Map` entry made (and deleted, which makes V8 shrink the
 * emptied table) per delivery. Further concurrent claims go to a `Map`.
 *
 * @example
 * ```ts
 * const claims = new KeyClaims()
 * claims.claim('order-1') // true
 * claims.claim('order-1') // false: wait with claims.released('order-1'), then claim again
 * claims.release('order-1')
 * ```
 */
export class KeyClaims {
  /** The claim kept inline (no deliveries wait for it: a waiter moves it to `#keys`). */
  #first: string | undefined = undefined
  /** Other claims, with the deliveries waiting for each (undefined: none yet). */
  #keys = new Map<string, (() => void)[] | undefined>()

  /** Claims `key` for one delivery: false when another delivery holds it. */
  claim(key: string): boolean {
    if (this.#first === undefined && this.#keys.size === 0) {
      this.#first = key
      return true
    }
    if (key === this.#first || this.#keys.has(key)) return false
    this.#keys.set(key, undefined)
    return true
  }

  /** Resolves when the delivery holding `key` releases it. Call only after `claim` returned false. */
  released(key: string): Promise<void> {
    return new Promise((resolve) => {
      if (key === this.#first) {
        this.#first = undefined
        this.#keys.set(key, [resolve])
        return
      }
      const waiting = this.#keys.get(key)
      if (waiting === undefined) this.#keys.set(key, [resolve])
      else waiting.push(resolve)
    })
  }

  release(key: string): void {
    if (key === this.#first) {
      this.#first = undefined
      return
    }
    const waiting = this.#keys.get(key)
    this.#keys.delete(key)
    if (waiting !== undefined) for (const wake of waiting) wake()
  }
}
