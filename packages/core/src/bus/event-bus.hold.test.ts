import { describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import { MemoryStore } from '../store/memory-store.js'
import { EventBus } from './event-bus.js'

/** A bus with `name` subscribed to `order.*`, held and then unsubscribed: the gap of a plugin reload. */
async function inGap(name: string) {
  const store = new MemoryStore()
  const bus = new EventBus({ store })
  const seen: string[] = []
  const old = bus.subscribe('order.*', (event) => void seen.push(`old ${event.type}`), { name })
  const hold = bus.hold([name])
  await hold.settled
  await old.unsubscribe()
  return { bus, store, seen, hold }
}

describe('EventBus.hold across an unsubscribe', () => {
  it('delivers an event published in the gap to the handler subscribed at release, once', async () => {
    const { bus, seen, hold } = await inGap('relay')
    const published = bus.publish(createEvent('order.created', {}))
    const unmatched = await bus.publish(createEvent('invoice.created', {}))
    bus.subscribe('order.*', (event) => void seen.push(`new ${event.type}`), { name: 'relay' })
    hold.release()
    const report = await published
    expect(report.outcomes).toEqual([expect.objectContaining({ handler: 'relay', status: 'succeeded' })])
    expect(unmatched.outcomes).toEqual([])
    await bus.drain()
    expect(seen).toEqual(['new order.created'])
  })

  it('delivers an event enqueued in the gap to the handler subscribed at release, once', async () => {
    const { bus, store, seen, hold } = await inGap('relay')
    const { id } = await bus.enqueue(createEvent('order.created', {}))
    expect((await store.deliveries(id)).map((record) => record.handler)).toEqual(['relay'])
    bus.subscribe('order.*', (event) => void seen.push(`new ${event.type}`), { name: 'relay' })
    hold.release()
    await bus.drain()
    expect(seen).toEqual(['new order.created'])
    expect((await store.deliveries(id)).map((r) => [r.handler, r.status])).toEqual([['relay', 'succeeded']])
  })

  it('matches with the old pattern during the gap, and with the new one after release', async () => {
    const { bus, seen, hold } = await inGap('relay')
    const inGapPublish = bus.publish(createEvent('invoice.created', {}))
    bus.subscribe('invoice.*', (event) => void seen.push(`new ${event.type}`), { name: 'relay' })
    hold.release()
    expect((await inGapPublish).outcomes).toEqual([])
    const after = await bus.publish(createEvent('invoice.created', {}))
    expect(after.outcomes).toEqual([expect.objectContaining({ handler: 'relay', status: 'succeeded' })])
    expect(seen).toEqual(['new invoice.created'])
  })

  it('ends a publish of the gap unrouted when nothing subscribes the name by release', async () => {
    const { bus, seen, hold } = await inGap('relay')
    const published = bus.publish(createEvent('order.created', {}))
    hold.release()
    expect((await published).outcomes).toEqual([
      {
        handler: 'relay',
        status: 'unrouted',
        attempts: 0,
        durationMs: 0,
        error: expect.objectContaining({ code: 'E_UNROUTED', message: 'handler no longer subscribed' }),
      },
    ])
    expect((await bus.publish(createEvent('order.created', {}))).outcomes).toEqual([])
    expect(seen).toEqual([])
  })

  it('keeps an enqueued event of the gap for the next subscriber when nothing subscribes by release', async () => {
    const { bus, store, seen, hold } = await inGap('relay')
    const { id } = await bus.enqueue(createEvent('order.created', {}))
    hold.release()
    await bus.drain()
    expect((await store.deliveries(id)).map((r) => [r.handler, r.status])).toEqual([['relay', 'pending']])
    bus.subscribe('order.*', (event) => void seen.push(`later ${event.type}`), { name: 'relay' })
    await bus.drain()
    expect(seen).toEqual(['later order.created'])
    expect((await store.deliveries(id)).map((r) => [r.handler, r.status])).toEqual([['relay', 'succeeded']])
  })
})
