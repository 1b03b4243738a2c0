import { connect, type Msg } from '@nats-io/transport-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OtlpReceiver, SpanKind, startOtlpReceiver } from './support/otlp-receiver.js'
import { NATS_URL, natsReachable, TestNats } from './support/test-nats.js'
import { startTestServer, type TestServer, waitFor } from './support/test-server.js'
import { tracedConfig } from './support/traced-config.js'

const up = await natsReachable()
// Starting a server on JetStream (stream, consumers, five KV buckets) can outlast the 10 s default on a busy machine.
const HOOK_MS = 30_000
const TRACE = 'f'.repeat(32)

describe.skipIf(!up)('telemetry across two nodes on NATS', () => {
  const stream = TestNats.streamName()
  let nats: TestNats | undefined
  let receiver: OtlpReceiver | undefined
  let producer: TestServer | undefined
  let consumer: TestServer | undefined

  beforeAll(async () => {
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50'
    nats = await TestNats.connect()
    await nats.removeStaleStreams()
    receiver = await startOtlpReceiver()
    const node = (name: string, handles: boolean) => {
      const config = tracedConfig(receiver!.url, {
        transport: { driver: 'nats', servers: [NATS_URL], stream },
        plugins: { 'order-flow': { enabled: handles } },
      })
      const telemetry = config.telemetry as { service_name: string }
      telemetry.service_name = name
      return startTestServer(config)
    }
    // The producer node runs no handler: every delivery happens on the other node.
    producer = await node('node-a', false)
    consumer = await node('node-b', true)
  }, HOOK_MS)
  afterAll(async () => {
    await producer?.close()
    await consumer?.close()
    await receiver?.close()
    await nats?.removeRun(stream)
    await nats?.close()
  }, HOOK_MS)

  it('continues the trace on the node that handles the event, retries and follow-up events included', async () => {
    // Every message on the server, to find ours by its headers (JetStream publishes are NATS messages too).
    const nc = await connect({ servers: NATS_URL })
    const seen: Msg[] = []
    nc.subscribe('>', { callback: (_error, msg) => void seen.push(msg) })
    await nc.flush()
    const res = await producer!.request('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${TRACE}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ type: 'order.created', data: { orderId: 'N1' } }),
    })
    expect(res.status).toBe(202)
    const spans = await waitFor(async () => {
      const found = receiver!.spans.filter((span) => span.traceId === TRACE)
      return found.length >= 10 ? found : undefined
    }, 20_000)
    const accepted = spans.find((span) => span.name === 'publish order.created')!
    expect(accepted).toMatchObject({ kind: SpanKind.PRODUCER, service: 'node-a' })
    const processed = spans.filter((span) => span.name === 'process order.created')
    expect(processed).toHaveLength(5) // audit, billing three times, shipper
    for (const span of processed)
      expect(span).toMatchObject({ service: 'node-b', parentSpanId: accepted.spanId })
    const followUp = spans.find((span) => span.name === 'publish order.shipped')!
    const notified = spans.find((span) => span.name === 'process order.shipped')!
    expect(notified.parentSpanId).toBe(followUp.spanId)

    // The message itself carries the trace context in its headers.
    const message = seen.find(
      (msg) => msg.subject.endsWith('order.created') && msg.headers?.get('traceparent').includes(TRACE),
    )
    await nc.close()
    expect(message?.headers?.get('traceparent')).toBe(`00-${TRACE}-${accepted.spanId}-01`)
  })
})
