import { describe, expect, it } from 'vitest'
import { EventValidationError } from '../errors.js'
import { createEvent } from '../event/create-event.js'
import { MemoryStore } from '../store/memory-store.js'
import { waitFor } from '../testing/wait-for.js'
import { EventBus } from './event-bus.js'

describe('EventBus.enqueue with a due time', () => {
  it('keeps a delayed event scheduled in the ledger and delivers it once it is due, not before', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store })
    const ranAt: number[] = []
    bus.subscribe('card.charge', () => void ranAt.push(Date.now()), { name: 'charge_card' })
    const event = createEvent('card.charge', { orderId: 'o-1' })
    const { id } = await bus.enqueue(event, { delayMs: 400 })
    const dueMs = Date.parse((await store.deliveries(id))[0]!.dueAt!)
    expect(await store.deliveries(id)).toEqual([
      expect.objectContaining({ handler: 'charge_card', status: 'scheduled', attempts: 0 }),
    ])
    // drain does not wait for what is not due: a server can stop while events wait for next week
    await bus.drain()
    expect(ranAt).toEqual([])
    await waitFor(() => ranAt.length === 1, 'the delayed delivery', 20_000)
    expect(ranAt[0]).toBeGreaterThanOrEqual(dueMs)
    await bus.drain()
    expect(await store.deliveries(id)).toEqual([
      expect.objectContaining({ handler: 'charge_card', status: 'succeeded', attempts: 1 }),
    ])
    await bus.close()
  })

  it('takes deliverAt as a Date or an RFC 3339 string and carries it in metadata.deliverAt', async () => {
    const bus = new EventBus()
    const seen: unknown[] = []
    bus.subscribe('reminder.due', (e) => void seen.push(e.metadata.deliverAt), { name: 'remind' })
    const soon = new Date(Date.now() + 200)
    await bus.enqueue(createEvent('reminder.due', {}), { deliverAt: soon })
    await bus.enqueue(createEvent('reminder.due', {}), { deliverAt: soon.toISOString() })
    await waitFor(() => seen.length === 2, 'both reminders', 20_000)
    expect(seen).toEqual([soon.toISOString(), soon.toISOString()])
    await bus.close()
  })

  it('delivers at once a deliverAt in the recent past', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store })
    bus.subscribe('late.event', () => {}, { name: 'late' })
    const { id } = await bus.enqueue(createEvent('late.event', {}), {
      deliverAt: new Date(Date.now() - 60_000),
    })
    await bus.drain()
    expect((await store.deliveries(id))[0]?.status).toBe('succeeded')
    await bus.close()
  })

  it('refuses a malformed or long-past due time with the field named, accepting nothing', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store })
    bus.subscribe('x.y', () => {}, { name: 'h' })
    const cases: [Parameters<typeof bus.enqueue>[1], RegExp][] = [
      [{ deliverAt: 'tomorrow' }, /^deliverAt: expected an RFC 3339 date-time/],
      [{ deliverAt: '2026-12-24 18:00' }, /^deliverAt: expected an RFC 3339/],
      [{ deliverAt: new Date(Date.now() - 8 * 24 * 3600_000) }, /^deliverAt: .* in the past/],
      [{ delayMs: -5 }, /^delayMs: expected an integer >= 0, got -5/],
      [{ delayMs: 1.5 }, /^delayMs: expected an integer/],
      [{ delayMs: 1, deliverAt: new Date() }, /give one of them, not both/],
    ]
    for (const [options, message] of cases) {
      const attempt = bus.enqueue(createEvent('x.y', {}), options)
      await expect(attempt).rejects.toBeInstanceOf(EventValidationError)
      await expect(attempt).rejects.toThrow(message)
    }
    const byHand = createEvent('x.y', {}, { metadata: { deliverAt: 'soon' } })
    await expect(bus.enqueue(byHand)).rejects.toThrow(/^metadata\.deliverAt: expected an RFC 3339/)
    expect(await store.unfinishedEvents()).toEqual([])
    await bus.close()
  })

  it('keeps a delayed event in the Store across a restart and runs it once when due', async () => {
    // a store that outlives the bus closing it, as a database file does
    class LastingStore extends MemoryStore {
      override async close(): Promise<void> {}
    }
    const store = new LastingStore()
    const first = new EventBus({ store })
    first.subscribe('card.charge', () => {}, { name: 'charge_card' })
    const { id } = await first.enqueue(createEvent('card.charge', {}), { delayMs: 300 })
    await first.close()
    const ran: string[] = []
    const second = new EventBus({ store })
    second.subscribe('card.charge', (e) => void ran.push(e.id), { name: 'charge_card' })
    expect(await second.resume()).toBe(0)
    await waitFor(() => ran.length === 1, 'the delayed delivery after the restart', 20_000)
    await second.drain()
    expect(ran).toEqual([id])
    await second.close()
  })
})
