import { randomBytes } from 'node:crypto'

/** Per process, so that nobody sending keys can know which of them share a slot of an `IdempotencyKeys` table. */
const SEED = randomBytes(4).readInt32LE(0)
/** Value of each lowercase hex digit by character code below 128, 16 (a bit no digit has) for every other one. */
const HEX = new Uint8Array(128).fill(16)
for (let c = 0; c < 16; c++) HEX[c.toString(16).charCodeAt(0)] = c

/**
 * The 128 bits of the key hashed last, in 4 int32, when it is a UUID in canonical lowercase form (what
 * `createEvent` makes, so the default key): a table can keep those instead of the key's string (see `lastKeyIsUuid`).
 */
export const uuidWords = new Int32Array(4)

/** The key hashed last and its hash: a delivery checks its key, then records it, and every handler of an event has the same one. */
let lastKey: string | undefined
let lastHash = 0
let lastIsUuid = false

/**
 * A seeded 32-bit hash of an idempotency key, never 0 (an empty slot in `IdempotencyKeys`). A UUID in canonical
 * lowercase form is hashed from its 128 bits (left in `uuidWords`); any other key two characters per step. A final
 * mix (MurmurHash3's `fmix32`) makes the low bits, which pick the slot, depend on every character; a key equal to
 * the previous one costs a comparison.
 *
 * @example
 * ```ts
 * keyHash('order-42') === keyHash('order-42') // true
 * ```
 */
export function keyHash(key: string): number {
  if (key === lastKey) return lastHash
  lastIsUuid = key.length === 36 && readUuid(key)
  let h = SEED ^ key.length
  if (lastIsUuid) {
    for (let w = 0; w < 4; w++) {
      h = Math.imul(h ^ uuidWords[w]!, 0x9e3779b1)
      h ^= h >>> 15
    }
  } else {
    const last = key.length - 1
    let i = 0
    for (; i < last; i += 2) {
      h = Math.imul(h ^ (key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16)), 0x9e3779b1)
      h ^= h >>> 15
    }
    if (i === last) h = Math.imul(h ^ key.charCodeAt(i), 0x9e3779b1)
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  h ^= h >>> 16
  lastKey = key
  lastHash = h === 0 ? 1 : h
  return lastHash
}

/** Whether the key hashed last is a canonical lowercase UUID, whose bits are in `uuidWords`. */
export function lastKeyIsUuid(): boolean {
  return lastIsUuid
}

/** Reads a 36-character key as a canonical lowercase UUID into `uuidWords`; false when it is not one. */
function readUuid(key: string): boolean {
  if (key.charCodeAt(8) !== 45 || key.charCodeAt(13) !== 45) return false
  if (key.charCodeAt(18) !== 45 || key.charCodeAt(23) !== 45) return false
  // Digits are or-ed into `seen` too: a character that is no digit leaves its bit 16 there, checked once at the end.
  seen = 0
  uuidWords[0] = digits(key, 0, 8, 0)
  uuidWords[1] = digits(key, 14, 18, digits(key, 9, 13, 0))
  uuidWords[2] = digits(key, 24, 28, digits(key, 19, 23, 0))
  uuidWords[3] = digits(key, 28, 36, 0)
  return seen < 16
}

let seen = 0

/** `word` followed by the hex digits of `key` from `from` to `to` (8 at most in all), each or-ed into `seen`. */
function digits(key: string, from: number, to: number, word: number): number {
  let bits = word
  for (let i = from; i < to; i++) {
    const c = key.charCodeAt(i)
    const value = c < 128 ? HEX[c]! : 16
    seen |= value
    bits = (bits << 4) | (value & 15)
  }
  return bits
}
