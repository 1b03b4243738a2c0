import { describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import { waitFor } from '../testing/wait-for.js'
import { EventBus } from './event-bus.js'

const noJitter = { initialMs: 1, maxMs: 1, factor: 1, jitter: false }

/** A handler that always fails, counting its attempts. */
function failing(counts: Record<string, number>, name: string) {
  return () => {
    counts[name] = (counts[name] ?? 0) + 1
    throw new Error('down')
  }
}

describe('EventBus.setDefaults', () => {
  it('applies new defaults to the members a subscription did not set, old and new subscriptions alike', async () => {
    const bus = new EventBus({ defaults: { timeoutMs: 1000, retry: { attempts: 2, ...noJitter } } })
    const counts: Record<string, number> = {}
    bus.subscribe('order.*', failing(counts, 'plain'), { name: 'plain' })
    bus.subscribe('order.*', failing(counts, 'own_retry'), { name: 'own_retry', retry: { attempts: 1 } })
    bus.subscribe('order.*', () => {}, { name: 'own_timeout', timeoutMs: 50 })

    bus.setDefaults({ timeoutMs: 2000, retry: { attempts: 4 } })
    bus.subscribe('order.*', failing(counts, 'later'), { name: 'later' })

    const policies = Object.fromEntries(bus.subscriptions().map((s) => [s.name, s.policy]))
    expect(policies.plain).toMatchObject({ timeoutMs: 2000, retry: { attempts: 4, initialMs: 100 } })
    expect(policies.own_retry).toMatchObject({ timeoutMs: 2000, retry: { attempts: 1 } })
    expect(policies.own_timeout).toMatchObject({ timeoutMs: 50, retry: { attempts: 4 } })
    expect(policies.later).toEqual(policies.plain)

    bus.setDefaults({ retry: { attempts: 3, ...noJitter } })
    const report = await bus.publish(createEvent('order.created', {}))
    expect(counts).toEqual({ plain: 3, own_retry: 1, later: 3 })
    expect(report.outcomes.find((o) => o.handler === 'plain')).toMatchObject({ attempts: 3 })
    // Replaced, not merged: the timeout set before is gone, back to the built-in default.
    expect(bus.subscriptions().find((s) => s.name === 'plain')?.policy.timeoutMs).toBe(5000)
  })

  it('throws ConfigError and changes nothing when a value is bad or no longer fits an override', () => {
    const bus = new EventBus()
    bus.subscribe('order.*', () => {}, { name: 'capped', retry: { maxMs: 150 } })
    const before = bus.subscriptions()
    expect(() => bus.setDefaults({ timeoutMs: -1 })).toThrow(/delivery defaults: timeoutMs/)
    expect(() => bus.setDefaults({ timeoutMs: 10, retry: { initialMs: 200 } })).toThrow(
      /subscription capped: retry.maxMs/,
    )
    expect(bus.subscriptions()).toEqual(before)
    bus.subscribe('order.*', () => {}, { name: 'after' })
    expect(bus.subscriptions()[1]?.policy.timeoutMs).toBe(5000)
  })

  it('changes the concurrency of enqueued deliveries at once', async () => {
    const bus = new EventBus({ defaults: { concurrency: 1 } })
    let running = 0
    let peak = 0
    const gates: (() => void)[] = []
    bus.subscribe(
      'order.*',
      async () => {
        peak = Math.max(peak, ++running)
        await new Promise<void>((resolve) => gates.push(resolve))
        running--
      },
      { name: 'gated' },
    )
    const releaseAll = async (count: number) => {
      for (let released = 0; released < count; released++) {
        await waitFor(() => gates.length > 0, 'a delivery to start', 1000)
        gates.shift()!()
      }
    }
    for (let n = 0; n < 3; n++) await bus.enqueue(createEvent('order.created', { n }))
    await releaseAll(3)
    await bus.drain()
    expect(peak).toBe(1)

    bus.setDefaults({ concurrency: 3 })
    for (let n = 0; n < 3; n++) await bus.enqueue(createEvent('order.created', { n }))
    await waitFor(() => gates.length === 3, 'three deliveries at once', 1000)
    await releaseAll(3)
    await bus.drain()
    expect(peak).toBe(3)
  })

  it('lets publish deliveries waiting for a slot in at once when concurrency is raised', async () => {
    const bus = new EventBus({ defaults: { concurrency: 1 } })
    const gates: (() => void)[] = []
    bus.subscribe('order.*', () => new Promise<void>((resolve) => gates.push(resolve)), { name: 'gated' })
    const publishes = [0, 1, 2].map((n) => bus.publish(createEvent('order.created', { n })))
    await waitFor(() => gates.length === 1, 'the first delivery', 1000)
    bus.setDefaults({ concurrency: 3 })
    await waitFor(() => gates.length === 3, 'the waiting deliveries to start', 1000)
    for (const open of gates) open()
    const reports = await Promise.all(publishes)
    expect(reports.map((r) => r.outcomes[0]?.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])
  })
})
