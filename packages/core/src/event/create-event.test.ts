import { describe, expect, it } from 'vitest'
import { EventValidationError } from '../errors.js'
import { createEvent } from './create-event.js'
import { isValidEventType } from './event-type.js'

describe('createEvent', () => {
  it('fills id (UUID v7), time, source and idempotencyKey', () => {
    const event = createEvent('order.status_changed', { status: 'shipped' })
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(event.source).toBe('switchyard')
    expect(Date.parse(event.time)).not.toBeNaN()
    expect(event.metadata.idempotencyKey).toBe(event.id)
    expect(event.data).toEqual({ status: 'shipped' })
  })

  it('produces time-ordered ids', () => {
    const ids = Array.from({ length: 50 }, () => createEvent('a.b', null).id)
    expect([...ids].sort()).toEqual(ids)
  })

  it('takes id, source, time and metadata from init', () => {
    const event = createEvent('order.created', 1, {
      id: 'evt-1',
      source: 'shop',
      time: new Date('2025-01-02T03:04:05Z'),
      metadata: { idempotencyKey: 'k', correlationId: 'c', orderingKey: 'o', tenant: 'acme' },
    })
    expect(event).toMatchObject({ id: 'evt-1', source: 'shop', time: '2025-01-02T03:04:05.000Z' })
    expect(event.metadata).toEqual({
      idempotencyKey: 'k',
      correlationId: 'c',
      orderingKey: 'o',
      tenant: 'acme',
    })
  })

  it('deep-freezes the event, its data and metadata', () => {
    const data = { order: { items: [{ sku: 'a' }] } }
    const event = createEvent('order.created', data, { metadata: { tags: ['x'] } })
    expect(Object.isFrozen(event)).toBe(true)
    expect(Object.isFrozen(event.data.order.items[0])).toBe(true)
    expect(Object.isFrozen(event.metadata.tags)).toBe(true)
    expect(() => {
      ;(event.data.order.items as { sku: string }[]).push({ sku: 'b' })
    }).toThrow(TypeError)
  })

  it.each(['Order.created', 'order..created', '.order', 'order.', 'order created', '', 'order.*'])(
    'rejects the type %j naming the field and the rule',
    (type) => {
      expect(() => createEvent(type, {})).toThrow(EventValidationError)
      expect(() => createEvent(type, {})).toThrow(
        /event\.type: expected dot-separated segments of \[a-z0-9_-\]\+/,
      )
    },
  )

  it('accepts digits, dashes and underscores in segments', () => {
    expect(isValidEventType('v2.order-line.item_added')).toBe(true)
  })

  it('rejects data JSON cannot carry, naming the path', () => {
    expect(() => createEvent('a.b', { when: new Date() })).toThrow(
      /event\.data\.when: expected a JSON value.*got Date/,
    )
    expect(() => createEvent('a.b', { list: [1, () => 1] })).toThrow(/event\.data\.list\[1\]: .*got function/)
    expect(() => createEvent('a.b', { n: Number.NaN })).toThrow(/event\.data\.n/)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => createEvent('a.b', cyclic)).toThrow(/event\.data\.self: .*circular/)
  })

  it('allows an undefined property, as JSON drops it, but not an undefined array element', () => {
    expect(createEvent('a.b', { gone: undefined, kept: [1] }).data.kept).toEqual([1])
    expect(() => createEvent('a.b', { list: [1, undefined] })).toThrow(
      /event\.data\.list\[1\]: .*got undefined/,
    )
  })

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { a: 1 }
    expect(createEvent('a.b', { x: shared, y: shared }).data.y).toEqual({ a: 1 })
  })

  it('rejects bad init fields by name', () => {
    expect(() => createEvent('a.b', {}, { id: '' })).toThrow(/event\.id/)
    expect(() => createEvent('a.b', {}, { source: '' })).toThrow(/event\.source/)
    expect(() => createEvent('a.b', {}, { time: 'not a date' })).toThrow(/event\.time/)
    expect(() => createEvent('a.b', {}, { metadata: { orderingKey: 5 as unknown as string } })).toThrow(
      /event\.metadata\.orderingKey: expected a non-empty string/,
    )
  })
})
