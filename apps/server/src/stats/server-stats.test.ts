import { createEvent, EventBus } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { bucketQuantile, LATENCY_BUCKETS, latencyBucket } from './latency-buckets.js'
import { PerSecondRing } from './per-second-ring.js'
import { ServerStats } from './server-stats.js'

describe('PerSecondRing', () => {
  it('counts per second and forgets a second once its slot is reused', () => {
    const ring = new PerSecondRing(3, 2)
    ring.add(10, 0)
    ring.add(10, 0)
    ring.add(10, 1, 5)
    expect([...ring.row(10)!]).toEqual([2, 5])
    expect(ring.row(11)).toBeUndefined()
    ring.add(13, 0) // same slot as second 10
    expect(ring.row(10)).toBeUndefined()
    expect([...ring.row(13)!]).toEqual([1, 0])
  })
})

describe('latency buckets', () => {
  it('gives quantiles within the bucket width of the true value', () => {
    const buckets = new Array<number>(LATENCY_BUCKETS).fill(0)
    for (let ms = 1; ms <= 100; ms++) buckets[latencyBucket(ms)]! += 1
    expect(bucketQuantile(buckets, 0.5)).toBeGreaterThan(50 / 1.2)
    expect(bucketQuantile(buckets, 0.5)).toBeLessThan(50 * 1.2)
    expect(bucketQuantile(buckets, 0.95)).toBeGreaterThan(95 / 1.2)
    expect(bucketQuantile(buckets, 0.95)).toBeLessThan(95 * 1.2)
    expect(bucketQuantile(new Array<number>(LATENCY_BUCKETS).fill(0), 0.5)).toBeNull()
  })
})

describe('ServerStats', () => {
  it('counts accepted events, outcomes by status and failures of a real bus per second', async () => {
    let now = 1_000_000
    const stats = new ServerStats({ now: () => now })
    const bus = new EventBus()
    stats.observe(bus)
    bus.subscribe('order.*', async () => {}, { name: 'fine_handler' })
    bus.subscribe(
      'order.*',
      async () => {
        throw new Error('boom')
      },
      { name: 'broken_handler', retry: { attempts: 1 } },
    )
    await bus.publish(createEvent('order.created', { id: 1 }))
    now += 1000
    await bus.publish(createEvent('order.created', { id: 2 }))

    const snapshot = stats.snapshot(3)
    expect(snapshot.from).toBe(999)
    expect(snapshot.published).toEqual([0, 1, 1])
    expect(snapshot.deliveries.succeeded).toEqual([0, 1, 1])
    expect([...snapshot.deliveries.failed!, ...snapshot.deliveries.dead_lettered!]).toContain(1)
    expect(snapshot.latency.p50[0]).toBeNull()
    expect(snapshot.latency.p50[2]).toBeGreaterThanOrEqual(0)
    expect(snapshot.recentFailures).toHaveLength(2)
    expect(snapshot.recentFailures[0]).toMatchObject({ handler: 'broken_handler', type: 'order.created' })
    expect(snapshot.recentFailures[0]!.message).toContain('boom')
    await bus.close()
  })
})
