import { createTestStore, MemoryStore } from '@switchyard/testing'
import { describe, expect, it } from 'vitest'
import { SubscriptionRegistry } from './subscription-registry.js'

const secret = 'whsec_registry_test_0123'

describe('SubscriptionRegistry.matching', () => {
  it('sees subscriptions created and deleted through another registry on the same store (another node)', async () => {
    const store = new MemoryStore()
    const here = new SubscriptionRegistry(createTestStore('webhooks', store))
    const there = new SubscriptionRegistry(createTestStore('webhooks', store))
    expect(await here.matching('order.created')).toEqual([])

    const orders = await there.create({ pattern: 'order.*', url: 'https://example.com/orders', secret })
    const all = await there.create({ pattern: '**', url: 'https://example.com/all', secret })
    expect((await here.matching('order.created')).map((s) => s.id)).toEqual([orders.id, all.id])
    expect((await here.matching('invoice.paid')).map((s) => s.id)).toEqual([all.id])

    await there.delete(orders.id)
    expect((await here.matching('order.created')).map((s) => s.id)).toEqual([all.id])
  })
})
