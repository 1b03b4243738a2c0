import { describe, expect, it } from 'vitest'
import type { DeliveryReport } from '../delivery/delivery.js'
import { createEvent } from '../event/create-event.js'
import type { Event } from '../event/event.js'
import { MemoryStore } from '../store/memory-store.js'
import { EventBus } from './event-bus.js'

const fast = { retry: { attempts: 2, initialMs: 1, maxMs: 1, factor: 1, jitter: false } }

/** A bus whose `event.after_dispatch` calls are collected. */
function auditedBus(options: ConstructorParameters<typeof EventBus>[0] = {}) {
  const bus = new EventBus({ defaults: fast, ...options })
  const dispatched: { event: Event; report: DeliveryReport }[] = []
  bus.extensions.contribute('event.after_dispatch', (value: { event: Event; report: DeliveryReport }) => {
    dispatched.push(value)
  })
  return { bus, dispatched }
}

const byHandler = (report: DeliveryReport | undefined) =>
  Object.fromEntries((report?.outcomes ?? []).map((o) => [o.handler, [o.status, o.attempts]]))

describe('EventBus.enqueue and event.after_dispatch', () => {
  it('runs once, after every handler is final, with the report of their outcomes', async () => {
    const { bus, dispatched } = auditedBus({
      routes: { 'order.created': { key: 'data.region', cases: { eu: ['eu_only'] } } },
    })
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    bus.subscribe('order.*', () => gate, { name: 'slow' })
    bus.subscribe('order.*', () => Promise.reject(new Error('down')), { name: 'failing' })
    bus.subscribe('order.*', () => {}, { name: 'eu_only' })
    bus.subscribe('user.*', () => {}, { name: 'unrelated' })
    const e = createEvent('order.created', { region: 'us' })
    await bus.enqueue(e)

    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(dispatched).toEqual([])
    release()
    await bus.drain()

    expect(dispatched).toHaveLength(1)
    expect(dispatched[0]?.event).toEqual(e)
    expect(dispatched[0]?.report.eventId).toBe(e.id)
    expect(byHandler(dispatched[0]?.report)).toEqual({
      slow: ['succeeded', 1],
      failing: ['dead_lettered', 2],
      eu_only: ['unrouted', 0],
    })
    expect(dispatched[0]?.report.outcomes.find((o) => o.handler === 'failing')?.error?.message).toMatch(
      /down/,
    )
    await bus.close()
    expect(dispatched).toHaveLength(1)
  })

  it('reports each of many enqueued events once', async () => {
    const { bus, dispatched } = auditedBus()
    bus.subscribe('order.*', () => {}, { name: 'a_handler' })
    bus.subscribe('order.*', async () => {}, { name: 'b_handler' })
    const events = Array.from({ length: 50 }, (_, n) => createEvent('order.created', { n }))
    await Promise.all(events.map((e) => bus.enqueue(e)))
    await bus.drain()
    expect(dispatched.map((d) => d.event.id).sort()).toEqual(events.map((e) => e.id).sort())
    for (const { report } of dispatched)
      expect(Object.keys(byHandler(report)).sort()).toEqual(['a_handler', 'b_handler'])
  })

  it('reports an event no handler matched with an empty report', async () => {
    const { bus, dispatched } = auditedBus()
    bus.subscribe('user.*', () => {}, { name: 'user_handler' })
    const e = createEvent('order.created', {})
    await bus.enqueue(e)
    await bus.drain()
    expect(dispatched).toEqual([{ event: e, report: { eventId: e.id, outcomes: [] } }])
  })

  it('reports a resumed event with the outcomes recorded before the restart', async () => {
    const store = new MemoryStore()
    const e = createEvent('order.created', {})
    await store.acceptEvent(e, ['a_handler', 'b_handler'])
    const before = { eventId: e.id, handler: 'a_handler', status: 'succeeded' as const, attempts: 1 }
    await store.recordDeliveries([{ ...before, durationMs: 1, updatedAt: e.time }])
    const { bus, dispatched } = auditedBus({ store })
    bus.subscribe('order.*', () => {}, { name: 'a_handler' })
    bus.subscribe('order.*', () => {}, { name: 'b_handler' })
    await bus.resume()
    await bus.drain()
    expect(dispatched).toHaveLength(1)
    expect(byHandler(dispatched[0]?.report)).toEqual({
      a_handler: ['succeeded', 1],
      b_handler: ['succeeded', 1],
    })
  })

  it('drain waits for work that an after_dispatch action enqueues', async () => {
    const bus = new EventBus()
    const ran: string[] = []
    bus.subscribe('order.*', (e) => void ran.push(e.type), { name: 'order_handler' })
    bus.extensions.contribute('event.after_dispatch', async ({ event }: { event: Event }) => {
      if (event.type === 'order.created') await bus.enqueue(createEvent('order.audited', {}))
    })
    await bus.enqueue(createEvent('order.created', {}))
    await bus.drain()
    expect(ran).toEqual(['order.created', 'order.audited'])
  })
})
