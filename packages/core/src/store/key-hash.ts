import { randomBytes } from 'node:crypto'

/** Per process, so that nobody sending keys can know which of them share a slot of an `IdempotencyKeys` table. */
const SEED = randomBytes(4).readInt32LE(0)

/** The key hashed last and its hash: a delivery checks its key, then records it, and every handler of an event has the same one. */
let lastKey: string | undefined
let lastHash = 0

/**
 * A seeded 32-bit hash of an idempotency key, never 0 (an empty slot in `IdempotencyKeys`). Two characters per
 * step and a final mix (MurmurHash3's `fmix32`) so that the low bits, which pick the slot, depend on every
 * character; a key equal to the previous one costs a comparison.
 *
 * @example
 * ```ts
 * keyHash('order-42') === keyHash('order-42') // true
 * ```
 */
export function keyHash(key: string): number {
  if (key === lastKey) return lastHash
  const last = key.length - 1
  let h = SEED ^ key.length
  let i = 0
  for (; i < last; i += 2) {
    h = Math.imul(h ^ (key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16)), 0x9e3779b1)
    h ^= h >>> 15
  }
  if (i === last) h = Math.imul(h ^ key.charCodeAt(i), 0x9e3779b1)
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  h ^= h >>> 16
  lastKey = key
  lastHash = h === 0 ? 1 : h
  return lastHash
}
