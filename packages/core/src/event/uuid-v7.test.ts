import { describe, expect, it } from 'vitest'
import { uuidv7 } from './uuid-v7.js'

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('uuidv7', () => {
  it('makes distinct UUID v7 strings in the order they were made, across pool refills', () => {
    const ids = Array.from({ length: 5_000 }, () => uuidv7())
    for (const id of ids) expect(id).toMatch(V7)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
  })

  it('starts with the current Unix milliseconds', () => {
    const before = Date.now()
    const id = uuidv7()
    const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)
    expect(ms).toBeGreaterThanOrEqual(before)
    expect(ms).toBeLessThanOrEqual(Date.now() + 1)
  })

  it('returns a string of its own each time (the buffer it is written in is reused)', () => {
    const first = uuidv7()
    const copy = `${first}`
    uuidv7()
    expect(first).toBe(copy)
  })
})
