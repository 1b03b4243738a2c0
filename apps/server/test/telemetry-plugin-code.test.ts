import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OtlpReceiver, startOtlpReceiver } from './support/otlp-receiver.js'
import { startTestServer, type TestServer, waitFor } from './support/test-server.js'
import { tracedConfig } from './support/traced-config.js'

const TRACE = 'e'.repeat(32)
const CALLER_SPAN = '00f067aa0ba902b7'
/** A plugin whose `event.before_publish` filter makes a span. */
const SCREENING = fileURLToPath(new URL('fixtures/traced-filter', import.meta.url))

let receiver: OtlpReceiver
let t: TestServer

beforeAll(async () => {
  process.env.OTEL_BSP_SCHEDULE_DELAY = '50'
  receiver = await startOtlpReceiver()
  t = await startTestServer(tracedConfig(receiver.url, { plugin_directories: [SCREENING] }))
})
afterAll(async () => {
  await t?.close()
  await receiver?.close()
})

describe('telemetry with plugin code on the ingest path', () => {
  it('runs a publish filter inside the request span, and the publish span stays its child', async () => {
    const res = await t.request('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${TRACE}-${CALLER_SPAN}-01` },
      body: JSON.stringify({ type: 'order.created', data: { orderId: 'S1' } }),
    })
    expect(res.status).toBe(202)
    const spans = await waitFor(async () => {
      const found = receiver.spans.filter((span) => span.traceId === TRACE)
      return found.length >= 3 ? found : undefined
    }, 10_000)
    const request = spans.find((span) => span.name === 'POST /api/v1/events')!
    expect(request.parentSpanId).toBe(CALLER_SPAN)
    expect(spans.find((span) => span.name === 'screen order.created')?.parentSpanId).toBe(request.spanId)
    expect(spans.find((span) => span.name === 'publish order.created')?.parentSpanId).toBe(request.spanId)
  })
})
