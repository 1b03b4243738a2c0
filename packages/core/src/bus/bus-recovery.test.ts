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
})
