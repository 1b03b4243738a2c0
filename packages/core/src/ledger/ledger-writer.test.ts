import { describe, expect, it } from 'vitest'
import { EventBus } from '../bus/event-bus.js'
import { createEvent } from '../event/create-event.js'
import { MemoryStore } from '../store/memory-store.js'
import type { DeliveryRecord } from '../store/store.js'

/** A real MemoryStore that also remembers the size of every batch it was given. */
class CountingStore extends MemoryStore {
  batches: number[] = []
  override recordDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    this.batches.push(records.length)
    return super.recordDeliveries(records)
  }
}

describe('LedgerWriter (through the bus)', () => {
  it('writes the records of deliveries that end together in one batch', async () => {
    const store = new CountingStore()
    const bus = new EventBus({ store })
    for (const name of ['a_handler', 'b_handler', 'c_handler']) bus.subscribe('order.*', () => {}, { name })
    const events = Array.from({ length: 20 }, (_, n) => createEvent('order.created', { n }))
    await Promise.all(events.map((e) => bus.enqueue(e)))
    await bus.drain()
    expect(store.batches.reduce((a, b) => a + b, 0)).toBe(60)
    expect(store.batches.length).toBeLessThan(60)
    expect(await store.unfinishedEvents()).toEqual([])
  })

  it('logs a failed batch instead of rejecting the deliveries', async () => {
    class FailingStore extends MemoryStore {
      override async recordDeliveries(): Promise<void> {
        throw new Error('disk full')
      }
    }
    const errors: string[] = []
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (_obj: object | string, msg?: string) => void errors.push(msg ?? ''),
      child: () => logger,
    }
    const bus = new EventBus({ store: new FailingStore(), logger })
    let ran = 0
    bus.subscribe('order.*', () => void ran++, { name: 'h' })
    await bus.enqueue(createEvent('order.created', {}))
    await bus.drain()
    expect(ran).toBe(1)
    expect(errors).toContain('could not record deliveries')
  })
})
