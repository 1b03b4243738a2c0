import { describe, expect, it } from 'vitest'
import { createEvent } from '../event/create-event.js'
import { runStoreContract } from '../testing/index.js'
import { delay } from '../testing/wait-for.js'
import { MemoryStore } from './memory-store.js'

runStoreContract('MemoryStore', () => new MemoryStore())

describe('MemoryStore bounds', () => {
  it('drops the oldest events beyond maxEvents', async () => {
    const store = new MemoryStore({ maxEvents: 2 })
    const events = [1, 2, 3].map((n) => createEvent('order.created', { n }))
    for (const e of events) await store.acceptEvent(e, ['h'])
    expect(await store.deliveries(events[0]!.id)).toEqual([])
    expect((await store.unfinishedEvents()).map((u) => u.event.id)).toEqual([events[1]!.id, events[2]!.id])
  })

  it('forgets idempotency records after their ttl and beyond maxIdempotencyKeys', async () => {
    const store = new MemoryStore({ idempotencyTtlMs: 30, maxIdempotencyKeys: 2 })
    await store.markProcessed('k1', 'h')
    await store.markProcessed('k2', 'h')
    await store.markProcessed('k3', 'h')
    expect(await store.isProcessed('k1', 'h')).toBe(false)
    expect(await store.isProcessed('k3', 'h')).toBe(true)
    await delay(60)
    expect(await store.isProcessed('k3', 'h')).toBe(false)
  })

  it('keeps at most maxDeadLetters', async () => {
    const store = new MemoryStore({ maxDeadLetters: 1 })
    const event = createEvent('order.created', {})
    const dl = (id: string) => ({
      id,
      event,
      handler: 'h',
      attempts: 1,
      error: 'x',
      failedAt: new Date().toISOString(),
    })
    await store.addDeadLetter(dl('a'))
    await store.addDeadLetter(dl('b'))
    expect((await store.listDeadLetters()).map((d) => d.id)).toEqual(['b'])
  })

  it('refuses a KV value JSON cannot carry', async () => {
    await expect(new MemoryStore().kvSet('ns', 'k', () => 1)).rejects.toThrow(/not JSON-serialisable/)
  })
})
