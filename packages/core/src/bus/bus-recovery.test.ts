import { describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import { MemoryStore } from '../store/memory-store.js'
import { InProcessTransport } from '../transport/in-process-transport.js'
import { EventBus } from './event-bus.js'

/** A transport that, like JetStream, keeps every event until its consumers acked it. */
class KeepingTransport extends InProcessTransport {
  readonly keepsUnacked = true
}

describe('EventBus.resume', () => {
  it('hands unfinished deliveries back to an in-process transport', async () => {
    const store = new MemoryStore()
    await store.acceptEvent(createEvent('order.created', { id: 1 }), ['audit_handler'])
    const bus = new EventBus({ store })
    const handled: unknown[] = []
    bus.subscribe('order.*', (event) => void handled.push(event.data), { name: 'audit_handler' })
    expect(await bus.resume()).toBe(1)
    await bus.drain()
    expect(handled).toEqual([{ id: 1 }])
    await bus.close()
  })

  it('leaves them to a transport that keeps unacked events, so nothing runs twice', async () => {
    const store = new MemoryStore()
    await store.acceptEvent(createEvent('order.created', { id: 1 }), ['audit_handler'])
    const bus = new EventBus({ store, transport: new KeepingTransport() })
    const handled: unknown[] = []
    bus.subscribe('order.*', (event) => void handled.push(event.data), { name: 'audit_handler' })
    expect(await bus.resume()).toBe(0)
    await bus.drain()
    expect(handled).toEqual([])
    await bus.close()
  })

  it('dead-letters a delivery that crashed the process maxCrashes times, runs the rest, and replay still works', async () => {
    const store = new MemoryStore()
    const poison = createEvent('order.created', { id: 'poison' })
    const fine = createEvent('order.created', { id: 'fine' })
    await store.acceptEvent(poison, ['audit_handler', 'mailer'])
    await store.acceptEvent(fine, ['audit_handler'])
    // Three processes died while audit_handler ran the poison event (each left its start behind).
    for (let crash = 0; crash < 3; crash++)
      await store.recordAttemptStarts([{ eventId: poison.id, handler: 'audit_handler' }])
    await store.recordAttemptStarts([{ eventId: poison.id, handler: 'mailer' }])
    const bus = new EventBus({ store, maxCrashes: 3 })
    const handled: string[] = []
    const record = (name: string) => (event: { data: unknown }) =>
      void handled.push(`${name}:${(event.data as { id: string }).id}`)
    bus.subscribe('order.*', record('audit'), { name: 'audit_handler' })
    bus.subscribe('order.*', record('mailer'), { name: 'mailer' })
    expect(await bus.resume()).toBe(2)
    await bus.drain()
    expect(handled.sort()).toEqual(['audit:fine', 'mailer:poison'])
    const ledger = await store.deliveries(poison.id)
    const audit = ledger.find((r) => r.handler === 'audit_handler')
    expect(audit).toMatchObject({ status: 'dead_lettered', attempts: 3 })
    expect(audit?.error?.code).toBe('E_CRASHED_PROCESS')
    expect(audit?.error?.message).toMatch(
      /^E_CRASHED_PROCESS: handler audit_handler .* 3 times \(delivery\.max_crashes 3\)/,
    )
    const [deadLetter] = await store.listDeadLetters({ handler: 'audit_handler' })
    expect(deadLetter).toMatchObject({ handler: 'audit_handler', attempts: 3, event: poison })
    expect(await store.unfinishedEvents()).toEqual([])
    expect(await bus.replayDeadLetter(deadLetter!.id)).toMatchObject({ status: 'succeeded' })
    expect(handled).toContain('audit:poison')
    await bus.close()
  })

  it('runs deliveries a crash interrupted one at a time, each until its record is written, then the rest', async () => {
    const store = new MemoryStore()
    const events = [1, 2, 3].map((n) => createEvent('order.created', { n }))
    for (const e of events) await store.acceptEvent(e, ['audit_handler'])
    await store.recordAttemptStarts([{ eventId: events[1]!.id, handler: 'audit_handler' }])
    await store.recordAttemptStarts([{ eventId: events[1]!.id, handler: 'audit_handler' }])
    await store.recordAttemptStarts([{ eventId: events[2]!.id, handler: 'audit_handler' }])
    const bus = new EventBus({ store })
    const log: string[] = []
    bus.subscribe(
      'order.*',
      async (event) => {
        const { n } = event.data as { n: number }
        log.push(`start ${n}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
        log.push(`end ${n}`)
      },
      { name: 'audit_handler' },
    )
    expect(await bus.resume()).toBe(3)
    await bus.drain()
    // Fewest crashes first (event 3, then 2), each alone; the clean event 1 after them.
    expect(log).toEqual(['start 3', 'end 3', 'start 2', 'end 2', 'start 1', 'end 1'])
    expect(await store.unfinishedEvents()).toEqual([])
    await bus.close()
  })

  it('records the start of each transport delivery before its handler runs, and clears it after', async () => {
    const store = new MemoryStore()
    const bus = new EventBus({ store })
    const seen: unknown[] = []
    bus.subscribe(
      'order.*',
      async (event) => {
        seen.push((await store.unfinishedEvents()).find((u) => u.event.id === event.id)?.interrupted)
      },
      { name: 'audit_handler' },
    )
    const { id } = await bus.enqueue(createEvent('order.created', { id: 1 }))
    await bus.drain()
    expect(seen).toEqual([{ audit_handler: 1 }])
    expect((await store.deliveries(id))[0]?.status).toBe('succeeded')
    expect(await store.unfinishedEvents()).toEqual([])
    await bus.close()
  })

  it('refuses a maxCrashes below 1', () => {
    expect(() => new EventBus({ maxCrashes: 0 })).toThrow(/maxCrashes: expected an integer >= 1, got 0/)
  })
})
