import { createEvent, type Event } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { StoreValueError } from './errors.js'
import { eventJson } from './event-json.js'

describe('eventJson', () => {
  it('writes the text JSON.stringify writes, for events made by createEvent and for others', () => {
    const made = createEvent('order.created', { n: 1.5, sku: 'SKU-1', nested: [null, 'x', { deep: true }] })
    const events: unknown[] = [
      made,
      createEvent('order.created', null, { metadata: { idempotencyKey: 'k-"1"\\', correlationId: 'c-1' } }),
      createEvent('order.created', 'é \u2028 \ud83d\ude00 "quoted"', { source: 'shöp', id: 'ïd' }),
      { ...made, data: undefined },
      { ...made, source: 'line\nbreak' },
      { ...made, extra: 1 },
      {
        metadata: made.metadata,
        id: made.id,
        type: made.type,
        source: made.source,
        time: made.time,
        data: 1,
      },
      { ...made, time: new Date(0) },
      { ...made, metadata: { idempotencyKey: 7 } },
      { ...made, metadata: { toJSON: () => 'meta' } },
      Object.assign(Object.create({ toJSON: () => 'event' }) as object, made),
    ]
    for (const event of events) expect(eventJson(event as Event)).toBe(JSON.stringify(event))
  })

  it('refuses data JSON cannot keep, naming the event', () => {
    const event = createEvent('order.created', { n: 1 })
    expect(() => eventJson({ ...event, data: { n: 1n } })).toThrow(StoreValueError)
    expect(() => eventJson({ ...event, data: { n: 1n } })).toThrow(event.id)
  })
})
