import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OtlpReceiver, type ReceivedSpan, SpanKind, startOtlpReceiver } from './support/otlp-receiver.js'
import { startTestServer, type TestServer, waitFor } from './support/test-server.js'
import { tracedConfig } from './support/traced-config.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'

let receiver: OtlpReceiver
let t: TestServer

beforeAll(async () => {
  // Exports within 50 ms of a span ending, not the default 5 s.
  process.env.OTEL_BSP_SCHEDULE_DELAY = '50'
  receiver = await startOtlpReceiver()
  t = await startTestServer(tracedConfig(receiver.url))
})
afterAll(async () => {
  await t?.close()
  await receiver?.close()
})

async function publish(body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const res = await t.request('/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(202)
  return ((await res.json()) as { id: string }).id
}

/** The spans received so far that satisfy `match`, once there are at least `count` of them. */
function spansWhere(match: (span: ReceivedSpan) => boolean, count: number): Promise<ReceivedSpan[]> {
  return waitFor(async () => {
    const found = receiver.spans.filter(match)
    return found.length >= count ? found : undefined
  }, 10_000)
}

const one = (spans: ReceivedSpan[], name: string, where: (span: ReceivedSpan) => boolean = () => true) => {
  const found = spans.filter((span) => span.name === name && where(span))
  expect(found, `spans named ${name}`).toHaveLength(1)
  return found[0]!
}
const handledBy = (handler: string) => (span: ReceivedSpan) =>
  span.attributes['switchyard.handler'] === handler

describe('telemetry', () => {
  it('makes one trace of a request: its fan-out, retries and follow-up events, with the right parents and kinds', async () => {
    const id = await publish(
      { type: 'order.created', data: { orderId: 'A1' } },
      { traceparent: `00-${TRACE}-${CALLER_SPAN}-01`, tracestate: 'shop=1' },
    )
    // request, publish, audit, 3 billing attempts, shipper, pack order, publish shipped, notifier.
    const spans = await spansWhere((span) => span.traceId === TRACE, 10)
    const request = one(spans, 'POST /api/v1/events')
    expect(request).toMatchObject({ kind: SpanKind.SERVER, parentSpanId: CALLER_SPAN, service: 'shop' })
    expect(request.attributes['http.response.status_code']).toBe(202)

    const accepted = one(spans, 'publish order.created')
    expect(accepted).toMatchObject({ kind: SpanKind.PRODUCER, parentSpanId: request.spanId })
    expect(accepted.attributes).toMatchObject({
      'messaging.system': 'switchyard',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'order.created',
      'messaging.message.id': id,
    })

    const audit = one(spans, 'process order.created', handledBy('order_audit'))
    expect(audit).toMatchObject({ kind: SpanKind.CONSUMER, parentSpanId: accepted.spanId })
    expect(audit.attributes).toMatchObject({
      'messaging.operation.type': 'process',
      'messaging.message.id': id,
      'switchyard.plugin': 'order-flow',
      'switchyard.attempt': 1,
      'switchyard.outcome': 'succeeded',
    })

    const billing = spans
      .filter(handledBy('order_billing'))
      .sort((a, b) => Number(a.attributes['switchyard.attempt']) - Number(b.attributes['switchyard.attempt']))
    expect(billing.map((span) => span.attributes['switchyard.outcome'])).toEqual([
      'retrying',
      'retrying',
      'succeeded',
    ])
    expect(billing.every((span) => span.parentSpanId === accepted.spanId)).toBe(true)
    expect(billing[0]!.status.code).toBe(2)
    expect(billing[0]!.events[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'E_HANDLER' },
    })
    expect(String(billing[0]!.events[0]!.attributes['exception.message'])).toContain('billing down (1)')

    // The ledger shows each attempt's trace and span, for jumping from the event to its trace.
    const { deliveries } = (await (
      await t.request(`/api/v1/events/${id}/deliveries`, { as: 'read' })
    ).json()) as {
      deliveries: { handler: string; traces?: unknown[] }[]
    }
    expect(deliveries.find((d) => d.handler === 'order_billing')?.traces).toEqual(
      billing.map((span, i) => ({ attempt: i + 1, traceId: TRACE, spanId: span.spanId })),
    )

    const shipper = one(spans, 'process order.created', handledBy('order_shipper'))
    const pack = one(spans, 'pack order')
    expect(pack.parentSpanId).toBe(shipper.spanId)
    const followUp = one(spans, 'publish order.shipped')
    expect(followUp).toMatchObject({ kind: SpanKind.PRODUCER, parentSpanId: pack.spanId })
    const notified = one(spans, 'process order.shipped')
    expect(notified).toMatchObject({ kind: SpanKind.CONSUMER, parentSpanId: followUp.spanId })
  })

  it('starts a new trace for a malformed traceparent and answers 202 all the same', async () => {
    const id = await publish({ type: 'broken.malformed' }, { traceparent: `00-${TRACE.toUpperCase()}-zz-01` })
    const [accepted] = await spansWhere(
      (span) => span.attributes['messaging.message.id'] === id && span.kind === SpanKind.PRODUCER,
      1,
    )
    expect(accepted!.traceId).not.toBe(TRACE)
    const request = receiver.spans.find((span) => span.spanId === accepted!.parentSpanId)
    expect(request?.parentSpanId).toBeUndefined()
  })

  it('takes the context of a CloudEvent: the traceparent attribute (structured) and ce-traceparent (binary)', async () => {
    const structuredTrace = 'a'.repeat(32)
    const structured = await publish(
      {
        specversion: '1.0',
        id: 'ce-structured-1',
        source: 'shop',
        type: 'order.shipped',
        traceparent: `00-${structuredTrace}-${CALLER_SPAN}-01`,
      },
      { 'content-type': 'application/cloudevents+json' },
    )
    const [fromStructured] = await spansWhere(
      (span) => span.attributes['messaging.message.id'] === structured && span.kind === SpanKind.PRODUCER,
      1,
    )
    expect(fromStructured).toMatchObject({ traceId: structuredTrace, parentSpanId: CALLER_SPAN })
    // The request that carried it is linked.
    expect(fromStructured!.links).toHaveLength(1)

    const binaryTrace = 'b'.repeat(32)
    const res = await t.request('/api/v1/events', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'ce-binary-1',
        'ce-source': 'shop',
        'ce-type': 'order.shipped',
        'ce-traceparent': `00-${binaryTrace}-${CALLER_SPAN}-01`,
      },
      body: '{}',
    })
    expect(res.status).toBe(202)
    const spans = await spansWhere((span) => span.traceId === binaryTrace, 3)
    expect(one(spans, 'POST /api/v1/events').parentSpanId).toBe(CALLER_SPAN)
    expect(one(spans, 'process order.shipped').parentSpanId).toBe(one(spans, 'publish order.shipped').spanId)
  })

  it('joins the original trace when a dead letter is replayed', async () => {
    const replayTrace = 'c'.repeat(32)
    const id = await publish({ type: 'broken.order' }, { traceparent: `00-${replayTrace}-${CALLER_SPAN}-01` })
    const deadLetter = await waitFor(async () => {
      const res = await t.request('/api/v1/dead-letters?handler=broken_handler', { as: 'read' })
      const { deadLetters } = (await res.json()) as { deadLetters: { id: string; event: { id: string } }[] }
      return deadLetters.find((d) => d.event.id === id)
    })
    await t.request('/plugins/order-flow/heal', { as: 'publish', method: 'POST' })
    const replayed = await t.request(`/api/v1/dead-letters/${deadLetter.id}/replay`, { method: 'POST' })
    expect(await replayed.json()).toMatchObject({ status: 'succeeded' })
    const attempts = await spansWhere(
      (span) => span.traceId === replayTrace && span.name === 'process broken.order',
      2,
    )
    const publishSpan = one(receiver.spans, 'publish broken.order', (span) => span.traceId === replayTrace)
    expect(attempts.map((span) => span.attributes['switchyard.outcome']).sort()).toEqual([
      'failed',
      'succeeded',
    ])
    expect(attempts.every((span) => span.parentSpanId === publishSpan.spanId)).toBe(true)
  })

  it('runs plugin routes inside the request span, named after the route', async () => {
    const res = await t.request('/plugins/order-flow/work', {
      as: 'read',
      headers: { traceparent: `00-${'d'.repeat(32)}-${CALLER_SPAN}-01` },
    })
    expect(res.status).toBe(200)
    const spans = await spansWhere((span) => span.traceId === 'd'.repeat(32), 2)
    const request = one(spans, 'GET /plugins/:name/*')
    expect(request.attributes['http.route']).toBe('/plugins/:name/*')
    expect(one(spans, 'plugin work').parentSpanId).toBe(request.spanId)
  })
})
