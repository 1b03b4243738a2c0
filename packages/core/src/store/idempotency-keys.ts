import { keyHash, lastKeyIsUuid, uuidWords } from './key-hash.js'

/** A slot's fingerprint when the slot is free (`fingerprint` never returns it). */
const EMPTY = 0
const MIN_MARKS = 16
/**
 * Slots the sweep looks at per mark. The table has twice as many slots as the ring has marks, so the sweep
 * passes every slot within half a ring of marks, and a dropped key's slot is freed by then: with 4, the slots
 * of dropped keys not yet freed stay near a third of the ring (44,000 at 100,000 keys), the table near 55% full.
 */
const SWEEP_PER_MARK = 4
/** A mark's key when it is a UUID kept as its 128 bits (in `#uuids`), not as its string. */
const UUID: unique symbol = Symbol('uuid')

/**
 * The idempotency records of one handler in a `MemoryStore`: keys with an expiry, at most `max` of them, the
 * least recently marked dropped first, expired ones dropped as marking goes on.
 *
 * Built for a new key per event at 100,000 records, where a `Map` misses the CPU cache several times per
 * operation (bucket, entries, key strings, and again for the eviction) and rehashes its whole table as entries
 * churn. Here the marks are a ring in marking order (key, expiry, hash), written and dropped at its two ends,
 * so those accesses stay in cache. The index is an open-addressed table probed in a byte per slot (8 bits of the
 * key's hash; 256 KB at 100,000 keys, so a lookup of a new key reads one line of it and no more), with two int32
 * per slot beside it (the key's hash and its mark's sequence number) read only when the byte matches. Dropping
 * a key only moves the ring's front: its slot is left in place and counts as dropped once its sequence number
 * is behind the front (a lookup passes it); a sweep going round the table a few slots per mark frees those
 * slots, so that lookups stay short. A key's string is compared only when its hash matches: records are exact.
 * A key that is a UUID in canonical lowercase form (the default key: the event id) is kept as its 128 bits in an
 * Int32Array, not as its string: a string kept for the whole life of a record is copied by the young-generation
 * GC, promoted, marked by every full GC and put in the remembered set when stored here (about 1,800 instructions
 * per idempotent publish in callgrind), bits in a typed array are none of that.
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
  /** Linear probing in these: per slot its key's `fingerprint`, EMPTY when free. */
  #fingerprints = new Uint8Array(2 * MIN_MARKS)
  /**
   * Per slot the key's hash and its mark's sequence number (as int32). A slot whose mark was dropped (sequence
   * number outside the ring) is a dropped key's, not yet swept.
   */
  #slots = new Int32Array(4 * MIN_MARKS)
  #slotMask = 2 * MIN_MARKS - 1
  /**
   * The ring of marks, oldest first from `#head`, at sequence number & `#markMask`: a hole's key is undefined, a
   * UUID's is `UUID` (its bits are in `#uuids`, 4 per mark).
   */
  #keys: (string | typeof UUID | undefined)[] = new Array(MIN_MARKS).fill(undefined)
  #uuids = new Int32Array(4 * MIN_MARKS)
  #expiries = new Float64Array(MIN_MARKS)
  /** Each mark's key hash, to rebuild the table without hashing the keys again. */
  #hashes = new Int32Array(MIN_MARKS)
  #markMask = MIN_MARKS - 1
  /** Sequence number of the front mark (int32, wrapping: compared only as a distance from it). */
  #head = 0
  /** Marks in the ring, holes included. */
  #marks = 0
  /** Keys kept. */
  #size = 0
  /** The next slot the sweep looks at. */
  #sweep = 0

  constructor(max: number, ttlMs: number, clock: () => number = Date.now) {
    this.#max = max
    this.#ttlMs = ttlMs
    this.#clock = clock
    this.#maxMarks = ceilPowerOfTwo(max + (max >> 2) + 1)
  }

  has(key: string): boolean {
    if (this.#size === 0) return false
    const slot = this.#find(key, keyHash(key), lastKeyIsUuid())
    // The clock is read only for a key found: a new key costs no clock reading.
    return slot >= 0 && this.#expiries[this.#slots[2 * slot + 1]! & this.#markMask]! > this.#clock()
  }

  add(key: string): void {
    if (this.#max <= 0) return
    const now = this.#clock()
    this.#dropExpired(now)
    if (this.#marks > this.#markMask) this.#rebuild()
    const hash = keyHash(key)
    const uuid = lastKeyIsUuid()
    const slot = this.#find(key, hash, uuid)
    if (slot < 0 && this.#size >= this.#max) this.#dropOldest()
    const seq = this.#head + this.#marks
    if (slot >= 0) {
      // Marked again: its mark moves to the end, where its new expiry belongs.
      this.#keys[this.#slots[2 * slot + 1]! & this.#markMask] = undefined
      this.#slots[2 * slot + 1] = seq
    } else {
      this.#claimSlot(hash, seq)
      this.#size++
    }
    const mark = this.#append(uuid ? UUID : key, now + this.#ttlMs, hash)
    if (uuid) copyUuid(uuidWords, 0, this.#uuids, 4 * mark)
    this.#sweepSome()
  }

  /** Whether slot `i` holds a kept key: its mark is in the ring (holes do not count: a re-mark moves the slot on). */
  #kept(i: number): boolean {
    return (this.#slots[2 * i + 1]! - this.#head) >>> 0 < this.#marks
  }

  /** The slot of `key` (`uuid`: kept as the bits now in `uuidWords`), or -1. The table is never full, so a free slot ends every probe. */
  #find(key: string, hash: number, uuid: boolean): number {
    const fingerprints = this.#fingerprints
    const slots = this.#slots
    const mask = this.#slotMask
    const print = fingerprint(hash)
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const f = fingerprints[i]
      if (f === EMPTY) return -1
      if (
        f === print &&
        slots[2 * i] === hash &&
        this.#kept(i) &&
        this.#holds(slots[2 * i + 1]! & this.#markMask, key, uuid)
      )
        return i
    }
  }

  /** Whether `mark` is the mark of `key` (`uuid`: the bits in `uuidWords`). */
  #holds(mark: number, key: string, uuid: boolean): boolean {
    if (!uuid) return this.#keys[mark] === key
    const uuids = this.#uuids
    const at = 4 * mark
    return (
      this.#keys[mark] === UUID &&
      uuids[at] === uuidWords[0] &&
      uuids[at + 1] === uuidWords[1] &&
      uuids[at + 2] === uuidWords[2] &&
      uuids[at + 3] === uuidWords[3]
    )
  }

  /**
   * Takes the first free slot from the hash's own one. Not a dropped key's slot on the way: telling it from a
   * kept key's would read the int32 table, one more place out of the cache.
   */
  #claimSlot(hash: number, seq: number): void {
    const fingerprints = this.#fingerprints
    const mask = this.#slotMask
    let i = hash & mask
    while (fingerprints[i] !== EMPTY) i = (i + 1) & mask
    fingerprints[i] = fingerprint(hash)
    this.#slots[2 * i] = hash
    this.#slots[2 * i + 1] = seq
  }

  /** Appends a mark; returns its index (where a UUID's bits go). */
  #append(key: string | typeof UUID, expiresAt: number, hash: number): number {
    const mark = (this.#head + this.#marks) & this.#markMask
    this.#keys[mark] = key
    this.#expiries[mark] = expiresAt
    this.#hashes[mark] = hash
    this.#marks++
    return mark
  }

  /** Drops the front marks that are holes or expired by `now`. Marks are in marking order, so the front expires first. */
  #dropExpired(now: number): void {
    while (this.#marks > 0) {
      const mark = this.#head & this.#markMask
      const key = this.#keys[mark]
      if (key !== undefined && this.#expiries[mark]! > now) return
      this.#dropFront(mark, key)
    }
  }

  /** Drops the front marks up to the first kept key, that one included. */
  #dropOldest(): void {
    for (;;) {
      const mark = this.#head & this.#markMask
      const key = this.#keys[mark]
      this.#dropFront(mark, key)
      if (key !== undefined) return
    }
  }

  /** Moves the front past `mark`; its key's slot is left to the sweep. */
  #dropFront(mark: number, key: string | typeof UUID | undefined): void {
    this.#keys[mark] = undefined
    this.#head = (this.#head + 1) | 0
    this.#marks--
    if (key !== undefined) this.#size--
  }

  /** Frees the dropped keys' slots among the next few; a freed slot is looked at again (a key moved into it). */
  #sweepSome(): void {
    const fingerprints = this.#fingerprints
    const mask = this.#slotMask
    let i = this.#sweep
    for (let n = 0; n < SWEEP_PER_MARK; n++) {
      if (fingerprints[i] !== EMPTY && !this.#kept(i)) this.#freeSlot(i)
      else i = (i + 1) & mask
    }
    this.#sweep = i
  }

  /** Frees slot `i`, moving back the keys after it that would no longer be found past a free slot. */
  #freeSlot(i: number): void {
    const fingerprints = this.#fingerprints
    const slots = this.#slots
    const mask = this.#slotMask
    for (let j = (i + 1) & mask; fingerprints[j] !== EMPTY; j = (j + 1) & mask) {
      const hash = slots[2 * j]!
      // The key at j stays unless its own slot lies after i on the way to j.
      if (((j - (hash & mask)) & mask) < ((j - i) & mask)) continue
      fingerprints[i] = fingerprints[j]!
      slots[2 * i] = hash
      slots[2 * i + 1] = slots[2 * j + 1]!
      i = j
    }
    fingerprints[i] = EMPTY
  }

  /** A full ring: the marks and the table again, without holes, grown while under `#maxMarks`. */
  #rebuild(): void {
    const length = this.#markMask + 1
    const size = Math.min(
      this.#maxMarks,
      Math.max(length, ceilPowerOfTwo(this.#size + (this.#size >> 1) + 1)),
    )
    const keys = this.#keys
    const expiries = this.#expiries
    const hashes = this.#hashes
    const uuids = this.#uuids
    const head = this.#head
    const marks = this.#marks
    this.#fingerprints = new Uint8Array(2 * size)
    this.#slots = new Int32Array(4 * size)
    this.#slotMask = 2 * size - 1
    this.#keys = new Array(size).fill(undefined)
    this.#expiries = new Float64Array(size)
    this.#hashes = new Int32Array(size)
    this.#uuids = new Int32Array(4 * size)
    this.#markMask = size - 1
    this.#head = 0
    this.#marks = 0
    this.#sweep = 0
    for (let n = 0; n < marks; n++) {
      const mark = (head + n) & (length - 1)
      const key = keys[mark]
      if (key === undefined) continue
      this.#claimSlot(hashes[mark]!, this.#marks)
      const to = this.#append(key, expiries[mark]!, hashes[mark]!)
      if (key === UUID) copyUuid(uuids, 4 * mark, this.#uuids, 4 * to)
    }
  }
}

function copyUuid(from: Int32Array, at: number, to: Int32Array, into: number): void {
  to[into] = from[at]!
  to[into + 1] = from[at + 1]!
  to[into + 2] = from[at + 2]!
  to[into + 3] = from[at + 3]!
}

/** A slot's byte of `hash`: its top 8 bits (the slot is picked by the low ones), never EMPTY. */
function fingerprint(hash: number): number {
  return hash >>> 24 || 1
}

function ceilPowerOfTwo(n: number): number {
  return Math.max(MIN_MARKS, 2 ** Math.ceil(Math.log2(n)))
}
