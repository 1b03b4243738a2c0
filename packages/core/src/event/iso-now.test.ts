import { describe, expect, it } from 'vitest'
import { isoNow } from './iso-now.js'

describe('isoNow', () => {
  it('returns the current time as toISOString formats it, also when called again within a millisecond', () => {
    const before = Date.now()
    const first = isoNow()
    const second = isoNow()
    const after = Date.now()
    for (const iso of [first, second]) {
      expect(iso).toBe(new Date(Date.parse(iso)).toISOString())
      expect(Date.parse(iso)).toBeGreaterThanOrEqual(before)
      expect(Date.parse(iso)).toBeLessThanOrEqual(after)
    }
  })

  it('moves on when the clock does', async () => {
    const first = isoNow()
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(Date.parse(isoNow())).toBeGreaterThan(Date.parse(first))
  })
})
