import { createTestSecrets, createTestStore, MemoryStore } from '@switchyard/testing'
import { describe, expect, it } from 'vitest'
import { SubscriptionRegistry } from './subscription-registry.js'

const secret = 'whsec_registry_test_0123'

describe('SubscriptionRegistry.matching', () => {
  it('sees subscriptions created and deleted through another registry on the same store (another node)', async () => {
    const store = new MemoryStore()
    const node = () =>
      new SubscriptionRegistry(createTestStore('webhooks', store), createTestSecrets('webhooks', store))
    const here = node()
    const there = node()
    expect(await here.matching('order.created')).toEqual([])

    const input = { secret, signature: 'switchyard', format: 'json', mode: 'structured' } as const
    const { subscription: orders } = await there.create({
      pattern: 'order.*',
      url: 'https://example.com/orders',
      ...input,
    })
    const { subscription: all } = await there.create({
      pattern: '**',
      url: 'https://example.com/all',
      ...input,
    })
    expect((await here.matching('order.created'))[0]?.secret).toBe(secret)
    expect((await here.matching('order.created')).map((s) => s.id)).toEqual([orders.id, all.id])
    expect((await here.matching('invoice.paid')).map((s) => s.id)).toEqual([all.id])

    await there.delete(orders.id)
    expect((await here.matching('order.created')).map((s) => s.id)).toEqual([all.id])
  })
})
