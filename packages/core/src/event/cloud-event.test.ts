import { describe, expect, it } from 'vitest'
import { EventValidationError } from '../errors.js'
import { fromCloudEvent, toCloudEvent } from './cloud-event.js'
import { fromCloudEventHttp, toCloudEventHeaders } from './cloud-event-http.js'
import { createEvent } from './create-event.js'

const event = createEvent(
  'order.status_changed',
  { orderId: 'o-1', status: 'shipped', note: 'café "quoted" 100%' },
  {
    source: 'shop',
    metadata: {
      correlationId: 'corr-1',
      causationId: 'cause-1',
      orderingKey: 'o-1',
      tenant: 'acme',
      attempt: 2,
    },
  },
)

describe('toCloudEvent / fromCloudEvent (structured)', () => {
  it('maps attributes and metadata to extension attributes', () => {
    expect(toCloudEvent(event)).toEqual({
      specversion: '1.0',
      id: event.id,
      source: 'shop',
      type: 'order.status_changed',
      time: event.time,
      datacontenttype: 'application/json',
      data: event.data,
      idempotencykey: event.id,
      correlationid: 'corr-1',
      causationid: 'cause-1',
      partitionkey: 'o-1',
      tenant: 'acme',
      attempt: 2,
    })
  })

  it('round-trips through JSON text', () => {
    expect(fromCloudEvent(JSON.stringify(toCloudEvent(event)))).toEqual(event)
  })

  it('reads a minimal CloudEvent, data defaulting to null', () => {
    const read = fromCloudEvent({ specversion: '1.0', id: 'x', source: 'cli', type: 'user.created' })
    expect(read).toMatchObject({ id: 'x', source: 'cli', type: 'user.created', data: null })
    expect(read.metadata.idempotencyKey).toBe('x')
    expect(Object.isFrozen(read)).toBe(true)
  })

  it('decodes JSON data_base64', () => {
    const data_base64 = Buffer.from(JSON.stringify({ a: 1 })).toString('base64')
    expect(
      fromCloudEvent({ specversion: '1.0', id: 'x', source: 's', type: 'a.b', data_base64 }).data,
    ).toEqual({ a: 1 })
  })

  it.each([
    [
      { specversion: '0.3', id: 'x', source: 's', type: 'a.b' },
      /cloudevent\.specversion: expected "1\.0", got "0\.3"/,
    ],
    [{ specversion: '1.0', source: 's', type: 'a.b' }, /cloudevent\.id: required, missing/],
    [
      { specversion: '1.0', id: 'x', source: '', type: 'a.b' },
      /cloudevent\.source: source must not be empty/,
    ],
    [{ specversion: '1.0', id: 'x', source: 's', type: 'A B' }, /cloudevent\.type: expected dot-separated/],
    [
      { specversion: '1.0', id: 'x', source: 's', type: 'a.b', time: 'soon' },
      /cloudevent\.time: expected an RFC 3339/,
    ],
  ])('rejects %j naming the attribute', (input, message) => {
    expect(() => fromCloudEvent(input)).toThrow(EventValidationError)
    expect(() => fromCloudEvent(input)).toThrow(message)
  })

  it('rejects text that is not JSON', () => {
    expect(() => fromCloudEvent('{oops')).toThrow(/cloudevent: expected JSON/)
  })

  it('refuses metadata that would collide with a spec attribute', () => {
    const clash = createEvent('a.b', 1, { metadata: { Type: 'x' } })
    expect(() => toCloudEvent(clash)).toThrow(/event\.metadata\.Type/)
  })
})

describe('toCloudEventHeaders / fromCloudEventHttp (binary)', () => {
  it('writes ce-* headers, percent-encoding what HTTP cannot carry', () => {
    const headers = toCloudEventHeaders(
      createEvent('a.b', 1, { source: 'my shop/ü', metadata: { correlationId: 'c 1' } }),
    )
    expect(headers['ce-specversion']).toBe('1.0')
    expect(headers['ce-source']).toBe('my%20shop/%C3%BC')
    expect(headers['ce-correlationid']).toBe('c%201')
    expect(headers['content-type']).toBe('application/json')
  })

  it('round-trips through headers and a JSON body', () => {
    const read = fromCloudEventHttp(toCloudEventHeaders(event), JSON.stringify(event.data))
    expect(read.id).toBe(event.id)
    expect(read.data).toEqual(event.data)
    expect(read.metadata).toMatchObject({ correlationId: 'corr-1', orderingKey: 'o-1', tenant: 'acme' })
  })

  it('accepts fetch Headers and a byte body', () => {
    const headers = new Headers(toCloudEventHeaders(event))
    const read = fromCloudEventHttp(headers, new TextEncoder().encode(JSON.stringify(event.data)))
    expect(read.type).toBe('order.status_changed')
  })

  it('reads structured mode when the content type says so', () => {
    const read = fromCloudEventHttp(
      { 'Content-Type': 'application/cloudevents+json; charset=utf-8' },
      JSON.stringify(toCloudEvent(event)),
    )
    expect(read).toEqual(event)
  })

  it('keeps a non-JSON body as text', () => {
    const headers = { ...toCloudEventHeaders(event), 'content-type': 'text/plain' }
    expect(fromCloudEventHttp(headers, 'hello').data).toBe('hello')
  })

  it('names the header or body at fault', () => {
    const headers = toCloudEventHeaders(event)
    expect(() => fromCloudEventHttp({ ...headers, 'ce-type': 'Bad' }, '{}')).toThrow(
      /header ce-type: expected dot-separated/,
    )
    expect(() => fromCloudEventHttp({ 'content-type': 'application/json' }, '{}')).toThrow(
      /header ce-specversion/,
    )
    expect(() => fromCloudEventHttp(headers, '{oops')).toThrow(/body: expected JSON/)
    expect(() => fromCloudEventHttp({ ...headers, 'ce-id': '%E0%A4%A' }, '{}')).toThrow(
      /header ce-id: invalid percent/,
    )
  })
})
