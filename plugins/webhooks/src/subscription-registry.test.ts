import { createTestSecrets, createTestStore, MemoryStore } from '@switchyard/testing'
import { describe, expect, it } from 'vitest'
import { SubscriptionRegistry } from './subscription-registry.js'

const secret = 'whsec_registry_test_0123'
const input = { secret, signature: 'switchyard', format: 'json', mode: 'structured' } as const

/** Two registries on one store, as two nodes sharing it. */
function twoNodes(): [SubscriptionRegistry, SubscriptionRegistry] {
  const store = new MemoryStore()
  const node = () =>
    new SubscriptionRegistry(createTestStore('webhooks', store), createTestSecrets('webhooks', store))
  return [node(), node()]
}

describe('SubscriptionRegistry.matching', () => {
  it('sees subscriptions created and deleted through another registry on the same store (another node)', async () => {
    const [here, there] = twoNodes()
    expect(await here.matching('order.created')).toEqual([])

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

describe('SubscriptionRegistry.accepts', () => {
  it('answers from memory: a change made here at once, one made on another node after refresh', async () => {
    const [here, there] = twoNodes()
    await here.refresh()
    expect(here.accepts('order.created')).toBe(false)

    const { subscription } = await there.create({
      pattern: 'order.*',
      url: 'https://example.com/o',
      ...input,
    })
    expect(there.accepts('order.created')).toBe(true)
    expect(there.accepts('invoice.paid')).toBe(false)
    expect(here.accepts('order.created')).toBe(false)
    await here.refresh()
    expect(here.accepts('order.created')).toBe(true)

    await here.delete(subscription.id)
    expect(here.accepts('order.created')).toBe(false)
    await there.refresh()
    expect(there.accepts('order.created')).toBe(false)
  })
})
