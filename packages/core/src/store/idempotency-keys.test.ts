import { describe, expect, it } from 'vitest'
import { IdempotencyKeys } from './idempotency-keys.js'

/** A table on a clock the test sets. */
function keysAt(max: number, ttlMs: number): { keys: IdempotencyKeys; at: (ms: number) => void } {
  let now = 0
  const at = (ms: number): void => {
    now = ms
  }
  return { keys: new IdempotencyKeys(max, ttlMs, () => now), at }
}

/** A canonical lowercase UUID made from `n` (kept as its bits), or the same in upper case (kept as a string). */
function uuidOf(n: number, upper = false): string {
  const hex = (value: number, width: number): string =>
    (value >>> 0).toString(16).padStart(width, '0').slice(-width)
  const uuid = `${hex(n, 8)}-${hex(n >>> 3, 4)}-7${hex(n, 3)}-8${hex(n * 31, 3)}-${hex(n * 7919, 8)}${hex(n, 4)}`
  return upper ? uuid.toUpperCase() : uuid
}

describe('IdempotencyKeys', () => {
  it('drops the least recently marked key beyond max, skipping stale marks of re-marked keys', () => {
    const { keys, at } = keysAt(2, 60_000)
    keys.add('k1')
    at(1)
    keys.add('k2')
    at(2)
    keys.add('k1')
    at(3)
    keys.add('k3')
    at(4)
    expect(['k1', 'k2', 'k3'].map((key) => keys.has(key))).toEqual([true, false, true])
    at(5)
    keys.add('k4')
    expect(['k1', 'k3', 'k4'].map((key) => keys.has(key))).toEqual([false, true, true])
  })

  it('forgets a key after its ttl, also when it was re-marked before', () => {
    const { keys, at } = keysAt(10, 100)
    keys.add('k1')
    at(50)
    keys.add('k1')
    at(120)
    expect(keys.has('k1')).toBe(true)
    at(150)
    expect(keys.has('k1')).toBe(false)
    at(200)
    keys.add('k2')
    at(250)
    expect(keys.has('k2')).toBe(true)
  })

  it('keeps exactly the newest max keys over many marks', () => {
    const { keys } = keysAt(1000, 60_000)
    for (let n = 0; n < 50_000; n++) keys.add(`k${n}`)
    const kept = Array.from({ length: 50_000 }, (_, n) => keys.has(`k${n}`)).filter(Boolean).length
    expect(kept).toBe(1000)
    expect(keys.has('k49999')).toBe(true)
    expect(keys.has('k48999')).toBe(false)
    expect(keys.has('k49000')).toBe(true)
  })

  it('moves a re-marked key behind the others, also the oldest one', () => {
    const { keys } = keysAt(2, 60_000)
    keys.add('k1')
    keys.add('k2')
    keys.add('k3') // drops k1: k2 is now the front
    keys.add('k2')
    keys.add('k4') // drops k3, not the re-marked k2
    expect(['k1', 'k2', 'k3', 'k4'].map((key) => keys.has(key))).toEqual([false, true, false, true])
  })

  it('drops expired keys as marking goes on, after the table emptied too', () => {
    const { keys, at } = keysAt(10, 100)
    keys.add('k1')
    at(100)
    expect(keys.has('k1')).toBe(false)
    at(200)
    keys.add('k2')
    at(250)
    keys.add('k3')
    at(320)
    keys.add('k4') // k2 expired at 300
    at(330)
    expect(['k2', 'k3', 'k4'].map((key) => keys.has(key))).toEqual([false, true, true])
    at(350)
    expect(keys.has('k3')).toBe(false)
  })

  it('keeps every key while growing, and each of many re-marked keys once', () => {
    const { keys } = keysAt(5_000, 60_000)
    for (let n = 0; n < 4_000; n++) keys.add(`k${n}`)
    // Re-marking leaves a hole per mark in the ring: it is compacted when full, in marking order.
    for (let round = 0; round < 20; round++) for (let n = 0; n < 4_000; n += 7) keys.add(`k${n}`)
    expect(Array.from({ length: 4_000 }, (_, n) => keys.has(`k${n}`)).every(Boolean)).toBe(true)
    for (let n = 4_000; n < 6_000; n++) keys.add(`k${n}`)
    // 1,000 dropped: the least recently marked, i.e. the first keys not re-marked.
    const dropped = Array.from({ length: 6_000 }, (_, n) => n).filter((n) => !keys.has(`k${n}`))
    expect(dropped).toHaveLength(1_000)
    expect(dropped.every((n) => n % 7 !== 0)).toBe(true)
    expect(dropped.at(-1)).toBeLessThan(1_200)
  })

  it('finds the keys left after others that shared their slots were dropped', () => {
    const { keys } = keysAt(3_000, 60_000)
    const all = Array.from({ length: 12_000 }, (_, n) => `order-${n}`)
    for (const key of all) keys.add(key)
    expect(all.filter((key) => keys.has(key))).toEqual(all.slice(9_000))
    expect(keys.has('order-')).toBe(false)
    expect(keys.has('')).toBe(false)
  })

  it('answers as a Map in marking order does, over random marks, re-marks and clock moves', () => {
    for (const [max, ttlMs, distinct] of [
      [1, 50, 5],
      [37, 200, 60],
      [500, 100_000, 1_500],
    ] as const) {
      const { keys, at } = keysAt(max, ttlMs)
      const expected = new Map<string, number>()
      let seed = max
      const random = (): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
        return seed / 2 ** 32
      }
      let now = 0
      let wrong = 0
      for (let step = 0; step < 30_000; step++) {
        if (random() < 0.3) {
          now += Math.floor(random() * 5)
          at(now)
        }
        // UUIDs (kept as bits), the same in upper case and other keys (kept as strings), side by side.
        const n = Math.floor(random() * distinct)
        const key = n % 3 === 2 ? `k${n}` : uuidOf(n, n % 3 === 1)
        if (random() < 0.5) {
          keys.add(key)
          for (const [kept, expiresAt] of expected) {
            if (expiresAt > now) break
            expected.delete(kept)
          }
          expected.delete(key)
          expected.set(key, now + ttlMs)
          if (expected.size > max) expected.delete(expected.keys().next().value!)
        } else if (keys.has(key) !== (expected.get(key) ?? 0) > now) wrong++
      }
      expect(wrong).toBe(0)
    }
  })

  it("forgets each key exactly max marks later while the sweep frees dropped keys' slots, and keeps a dropped key marked again", () => {
    const { keys } = keysAt(1_000, 60_000)
    let wrong = 0
    // 40 rounds of the ring: the slots of dropped keys are left in place, taken again and swept many times over.
    for (let n = 0; n < 40_000; n++) {
      keys.add(`k${n}`)
      if (!keys.has(`k${Math.max(0, n - 999)}`)) wrong++
      if (n >= 1_000 && keys.has(`k${n - 1_000}`)) wrong++
    }
    expect(wrong).toBe(0)
    keys.add('k0')
    for (let n = 40_000; n < 40_999; n++) keys.add(`k${n}`)
    expect([keys.has('k0'), keys.has('k40000'), keys.has('k39999')]).toEqual([true, true, false])
    keys.add('k40999')
    expect([keys.has('k0'), keys.has('k40000')]).toEqual([false, true])
  })

  it('keeps a UUID key as its bits, exactly: another spelling or a near miss is another key', () => {
    const { keys } = keysAt(2_000, 60_000)
    const all = Array.from({ length: 3_000 }, (_, n) => uuidOf(n * 977))
    for (const key of all) keys.add(key)
    expect(all.filter((key) => keys.has(key))).toEqual(all.slice(1_000))
    const kept = all[2_500]!
    const nearMisses = [
      kept.toUpperCase(),
      `${kept.slice(0, 35)}g`,
      `${kept.slice(0, 8)}_${kept.slice(9)}`,
      kept.replaceAll('-', ''),
      `${kept}0`,
    ]
    expect(nearMisses.map((key) => keys.has(key))).toEqual([false, false, false, false, false])
    for (const key of nearMisses) keys.add(key)
    expect([kept, ...nearMisses].every((key) => keys.has(key))).toBe(true)
    expect(keys.has(all[1_000]!)).toBe(false)
  })

  it('keeps nothing with max 0', () => {
    const { keys } = keysAt(0, 60_000)
    keys.add('k1')
    expect(keys.has('k1')).toBe(false)
  })
})
