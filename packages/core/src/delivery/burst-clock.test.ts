import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { burstNow } from './burst-clock.js'

describe('burstNow', () => {
  it('shares one reading among microtasks already queued, then reads the clock again', async () => {
    const before = performance.now()
    const readings: number[] = []
    // Like the handlers of one publish that settle together: both callbacks are queued before the first runs.
    await Promise.all([1, 2].map(() => Promise.resolve().then(() => readings.push(burstNow()))))
    expect(readings[0]).toBe(readings[1])
    expect(readings[0]).toBeGreaterThanOrEqual(before)
    await new Promise((resolve) => setImmediate(resolve))
    const busyUntil = performance.now() + 2
    while (performance.now() < busyUntil);
    expect(burstNow()).toBeGreaterThan(readings[0]!)
  })
})
