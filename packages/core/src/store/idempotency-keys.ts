import { keyHash } from './key-hash.js'

/** A slot's hash when the slot is free (`keyHash` never returns it). */
const EMPTY = 0
/** A mark's slot once its key was marked again (the key's newer mark is further back). */
const HOLE = -1
const MIN_MARKS = 16

/**
 * The idempotency records of one handler in a `MemoryStore`: keys with an expiry, at most `max` of them, the
 * least recently marked dropped first, expired ones dropped as marking goes on.
 *
 * Built for a new key per event at 100,000 records, where a `Map` misses the CPU cache several times per
 * operation (bucket, entries, key strings, and again for the eviction) and rehashes its whole table as entries
 * churn. Here the marks are a ring in marking order (key, expiry, slot), written and dropped at its two ends, so
 * those accesses stay in cache; the index is an open-addressed table of two int32 per slot (the key's hash and
 * its mark's place), so a lookup reads one cache line, and dropping the oldest key reaches its slot through its
 * mark without hashing. A key's string is compared only when its hash matches: records are exact.
 *
 * @example
 * ```ts
 * const keys = new IdempotencyKeys(100_000, 24 * 3600_000)
 * keys.add('order-1')
 * keys.has('order-1') // true
 * ```
 */
export class IdempotencyKeys {
  readonly #max: number
  readonly #ttlMs: number
  readonly #clock: () => number
  /** Ring capacity past which the marks are not grown, only compacted: slack over `max` for the holes. */
  readonly #maxMarks: number
  /** Linear probing, at most half full; per slot the key's hash (EMPTY: free) and its mark's place in the ring. */
  #slots = new Int32Array(4 * MIN_MARKS)
  #slotMask = 2 * MIN_MARKS - 1
  /** The ring of marks, oldest first from `#head`: each one's slot (or HOLE), expiry and key. */
  #markSlots = new Int32Array(MIN_MARKS)
  #expiries = new Float64Array(MIN_MARKS)
  #keys: (string | undefined)[] = new Array(MIN_MARKS).fill(undefined)
  #markMask = MIN_MARKS - 1
  #head = 0
  /** Marks in the ring, holes included. */
  #marks = 0
  /** Keys kept. */
  #size = 0

  constructor(max: number, ttlMs: number, clock: () => number = Date.now) {
    this.#max = max
    this.#ttlMs = ttlMs
    this.#clock = clock
    this.#maxMarks = ceilPowerOfTwo(max + (max >> 2) + 1)
  }

  has(key: string): boolean {
    if (this.#size === 0) return false
    const slot = this.#find(key, keyHash(key))
    // The clock is read only for a key found: a new key costs no clock reading.
    return slot >= 0 && this.#expiries[this.#slots[2 * slot + 1]!]! > this.#clock()
  }

  add(key: string): void {
    if (this.#max <= 0) return
    const now = this.#clock()
    while (this.#dropFront(now));
    if (this.#marks === this.#markSlots.length) this.#rebuild()
    const hash = keyHash(key)
    let slot = this.#find(key, hash)
    if (slot >= 0) {
      // Marked again: its mark moves to the end, where its new expiry belongs.
      const mark = this.#slots[2 * slot + 1]!
      this.#markSlots[mark] = HOLE
      this.#keys[mark] = undefined
    } else {
      if (this.#size >= this.#max) this.#dropFront(Number.POSITIVE_INFINITY)
      slot = this.#claimSlot(hash)
      this.#size++
    }
    this.#append(slot, key, now + this.#ttlMs)
  }

  /** The slot of `key`, or -1. The table is never full, so a free slot ends every probe. */
  #find(key: string, hash: number): number {
    const slots = this.#slots
    const mask = this.#slotMask
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const h = slots[2 * i]
      if (h === EMPTY) return -1
      if (h === hash && this.#keys[slots[2 * i + 1]!] === key) return i
    }
  }

  /** Takes the first free slot from the hash's own one. */
  #claimSlot(hash: number): number {
    const slots = this.#slots
    const mask = this.#slotMask
    let i = hash & mask
    while (slots[2 * i] !== EMPTY) i = (i + 1) & mask
    slots[2 * i] = hash
    return i
  }

  #append(slot: number, key: string, expiresAt: number): void {
    const mark = (this.#head + this.#marks) & this.#markMask
    this.#markSlots[mark] = slot
    this.#expiries[mark] = expiresAt
    this.#keys[mark] = key
    this.#slots[2 * slot + 1] = mark
    this.#marks++
  }

  /**
   * Drops the holes at the front of the ring, then the front key if it expired by `now` (any key for +Infinity):
   * whether it dropped one. Marks are in marking order, so the front one also expires first.
   */
  #dropFront(now: number): boolean {
    while (this.#marks > 0) {
      const mark = this.#head
      const slot = this.#markSlots[mark]!
      if (slot !== HOLE && this.#expiries[mark]! > now) return false
      this.#keys[mark] = undefined
      this.#head = (mark + 1) & this.#markMask
      this.#marks--
      if (slot !== HOLE) {
        this.#freeSlot(slot)
        this.#size--
        return true
      }
    }
    return false
  }

  /** Frees slot `i`, moving back the keys after it that would no longer be found past a free slot. */
  #freeSlot(i: number): void {
    const slots = this.#slots
    const mask = this.#slotMask
    for (let j = (i + 1) & mask; slots[2 * j] !== EMPTY; j = (j + 1) & mask) {
      const hash = slots[2 * j]!
      // The key at j stays unless its own slot lies after i on the way to j.
      if (((j - (hash & mask)) & mask) < ((j - i) & mask)) continue
      const mark = slots[2 * j + 1]!
      slots[2 * i] = hash
      slots[2 * i + 1] = mark
      this.#markSlots[mark] = i
      i = j
    }
    slots[2 * i] = EMPTY
  }

  /** A full ring: the marks and the table again, without holes, grown while under `#maxMarks`. */
  #rebuild(): void {
    const { length } = this.#markSlots
    const size = Math.min(
      this.#maxMarks,
      Math.max(length, ceilPowerOfTwo(this.#size + (this.#size >> 1) + 1)),
    )
    const slots = this.#slots
    const markSlots = this.#markSlots
    const expiries = this.#expiries
    const keys = this.#keys
    const head = this.#head
    const marks = this.#marks
    this.#slots = new Int32Array(4 * size)
    this.#slotMask = 2 * size - 1
    this.#markSlots = new Int32Array(size)
    this.#expiries = new Float64Array(size)
    this.#keys = new Array(size).fill(undefined)
    this.#markMask = size - 1
    this.#head = 0
    this.#marks = 0
    for (let n = 0; n < marks; n++) {
      const mark = (head + n) & (length - 1)
      const slot = markSlots[mark]!
      if (slot !== HOLE) this.#append(this.#claimSlot(slots[2 * slot]!), keys[mark]!, expiries[mark]!)
    }
  }
}

function ceilPowerOfTwo(n: number): number {
  return Math.max(MIN_MARKS, 2 ** Math.ceil(Math.log2(n)))
}
