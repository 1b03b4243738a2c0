import { describe, expect, it } from 'vitest'
import { LimitError } from '../errors.js'
import { createEvent } from '../event/create-event.js'
import type { Event } from '../event/event.js'
import { EventBus } from './event-bus.js'

const handMade = (patch: Partial<Event>): Event => ({
  id: 'evt-1',
  type: 'order.created',
  source: 'shop',
  time: new Date().toISOString(),
  data: {},
  metadata: { idempotencyKey: 'evt-1' },
  ...patch,
})

describe('EventBus limits', () => {
  it('refuses events past its limits on publish and enqueue, and handlers never see them', async () => {
    const bus = new EventBus({ limits: { jsonDepth: 3, eventTypeLength: 20, metadataStringLength: 40 } })
    const seen: string[] = []
    bus.subscribe('**', (event) => void seen.push(event.id), { name: 'audit_log' })
    const deep = createEvent('order.created', { a: { b: { c: {} } } })
    await expect(bus.publish(deep)).rejects.toMatchObject({ code: 'E_LIMIT_JSON_DEPTH', max: 3 })
    await expect(bus.enqueue(deep)).rejects.toBeInstanceOf(LimitError)
    await expect(bus.publish(createEvent('order.created_with_a_long_type', {}))).rejects.toMatchObject({
      code: 'E_LIMIT_EVENT_TYPE',
      actual: 30,
    })
    const key = createEvent('order.created', {}, { metadata: { idempotencyKey: 'k'.repeat(41) } })
    await expect(bus.publish(key)).rejects.toMatchObject({ code: 'E_LIMIT_METADATA', actual: 41 })
    expect((await bus.publish(createEvent('order.created', { a: { b: {} } }))).outcomes).toHaveLength(1)
    expect(seen).toHaveLength(1)
    await bus.close()
  })

  it('checks events made by hand, which createEvent never saw', async () => {
    const bus = new EventBus()
    bus.subscribe('**', () => {}, { name: 'audit_log' })
    await expect(bus.publish(handMade({ metadata: { idempotencyKey: 'a\nb' } }))).rejects.toMatchObject({
      code: 'E_LIMIT_METADATA',
    })
    let deep: unknown = {}
    for (let i = 0; i < 100; i++) deep = { deep }
    await expect(bus.publish(handMade({ data: deep }))).rejects.toMatchObject({
      code: 'E_LIMIT_JSON_DEPTH',
      max: 64,
    })
    expect((await bus.publish(handMade({}))).outcomes[0]?.status).toBe('succeeded')
    await bus.close()
  })

  it('exposes its resolved limits', async () => {
    const bus = new EventBus({ limits: { eventTypeLength: 100 } })
    expect(bus.limits).toEqual({ jsonDepth: 64, eventTypeLength: 100, metadataStringLength: 1024 })
    expect(() => new EventBus({ limits: { jsonDepth: -1 } })).toThrow(/limits\.jsonDepth/)
    await bus.close()
  })
})
