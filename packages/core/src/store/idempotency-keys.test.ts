import { describe, expect, it } from 'vitest'
import { IdempotencyKeys } from './idempotency-keys.js'

describe('IdempotencyKeys', () => {
  it('drops the least recently marked key beyond max, skipping stale marks of re-marked keys', () => {
    const keys = new IdempotencyKeys(2, 60_000)
    keys.add('k1', 0)
    keys.add('k2', 1)
    keys.add('k1', 2)
    keys.add('k3', 3)
    expect(['k1', 'k2', 'k3'].map((key) => keys.has(key, 4))).toEqual([true, false, true])
    keys.add('k4', 5)
    expect(['k1', 'k3', 'k4'].map((key) => keys.has(key, 6))).toEqual([false, true, true])
  })

  it('forgets a key after its ttl, also when it was re-marked before', () => {
    const keys = new IdempotencyKeys(10, 100)
    keys.add('k1', 0)
    keys.add('k1', 50)
    expect(keys.has('k1', 120)).toBe(true)
    expect(keys.has('k1', 150)).toBe(false)
    keys.add('k2', 200)
    expect(keys.has('k2', 250)).toBe(true)
  })

  it('keeps exactly the newest max keys over many marks', () => {
    const keys = new IdempotencyKeys(1000, 60_000)
    for (let n = 0; n < 50_000; n++) keys.add(`k${n}`, n % 7 === 0 ? 0 : 1)
    const kept = Array.from({ length: 50_000 }, (_, n) => keys.has(`k${n}`, 2)).filter(Boolean).length
    expect(kept).toBe(1000)
    expect(keys.has('k49999', 2)).toBe(true)
    expect(keys.has('k48999', 2)).toBe(false)
  })

  it('moves a re-marked key behind the others, also the oldest one', () => {
    const keys = new IdempotencyKeys(2, 60_000)
    keys.add('k1', 0)
    keys.add('k2', 1)
    keys.add('k3', 2) // drops k1: k2 is now the front
    keys.add('k2', 3)
    keys.add('k4', 4) // drops k3, not the re-marked k2
    expect(['k1', 'k2', 'k3', 'k4'].map((key) => keys.has(key, 5))).toEqual([false, true, false, true])
  })

  it('drops expired keys as marking goes on, after the table emptied too', () => {
    const keys = new IdempotencyKeys(10, 100)
    keys.add('k1', 0)
    expect(keys.has('k1', 100)).toBe(false)
    keys.add('k2', 200)
    keys.add('k3', 250)
    keys.add('k4', 320) // k2 expired at 300
    expect(['k2', 'k3', 'k4'].map((key) => keys.has(key, 330))).toEqual([false, true, true])
    expect(keys.has('k3', 350)).toBe(false)
  })
})
