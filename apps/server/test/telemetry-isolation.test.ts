import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OtlpReceiver, startOtlpReceiver } from './support/otlp-receiver.js'
import { startTestServer, type TestServer, waitFor } from './support/test-server.js'
import { tracedConfig } from './support/traced-config.js'

const TRACE = '1'.repeat(32)
let receiver: OtlpReceiver
let t: TestServer

beforeAll(async () => {
  process.env.OTEL_BSP_SCHEDULE_DELAY = '50'
  receiver = await startOtlpReceiver()
  t = await startTestServer(
    tracedConfig(receiver.url, { plugins: { 'order-flow': { isolation: 'worker' } } }),
  )
}, 30_000)
afterAll(async () => {
  await t?.close()
  await receiver?.close()
})

describe('telemetry through a sandbox', () => {
  it('makes an event a worker-isolated handler publishes a child of that handler’s process span', async () => {
    const res = await t.request('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${TRACE}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ type: 'order.created', data: { orderId: 'W1' } }),
    })
    expect(res.status).toBe(202)
    const spans = await waitFor(async () => {
      const found = receiver.spans.filter((span) => span.traceId === TRACE)
      // The shipper's span ends after the follow-up it published may be handled: wait for both.
      const ended = (test: (span: (typeof found)[number]) => boolean) => found.some(test)
      return ended((span) => span.name === 'process order.shipped') &&
        ended((span) => span.attributes['switchyard.handler'] === 'order_shipper')
        ? found
        : undefined
    }, 15_000)
    const shipper = spans.find((span) => span.attributes['switchyard.handler'] === 'order_shipper')!
    const followUp = spans.find((span) => span.name === 'publish order.shipped')!
    expect(followUp.parentSpanId).toBe(shipper.spanId)
    const notified = spans.find((span) => span.name === 'process order.shipped')!
    expect(notified.parentSpanId).toBe(followUp.spanId)
  })
})
