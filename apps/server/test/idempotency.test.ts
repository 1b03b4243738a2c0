import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NATS_URL, natsReachable, TestNats } from './support/test-nats.js'
import { startTestServer, type TestServer, testConfig, waitFor } from './support/test-server.js'

const up = await natsReachable()
// Starting a server on JetStream (stream, consumers, KV buckets) can outlast the 10 s default on a busy machine.
const HOOK_MS = 30_000

interface Delivery {
  handler: string
  status: string
  error?: { code: string }
}

/** POSTs a body and resolves to the id the server answered with (202). */
async function post(t: TestServer, body: unknown, contentType = 'application/json'): Promise<string> {
  const res = await t.request('/api/v1/events', {
    as: 'publish',
    method: 'POST',
    headers: { 'content-type': contentType },
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(202)
  return ((await res.json()) as { id: string }).id
}

/** The event's ledger once no delivery is pending or retrying any more. */
function settled(t: TestServer, id: string): Promise<Delivery[]> {
  return waitFor(async () => {
    const res = await t.request(`/api/v1/events/${id}/deliveries`, { as: 'read' })
    if (res.status !== 200) return undefined
    const { deliveries } = (await res.json()) as { deliveries: Delivery[] }
    return deliveries.every((d) => d.status !== 'pending' && d.status !== 'retrying') ? deliveries : undefined
  }, 15_000)
}

async function handled(t: TestServer): Promise<string[]> {
  const res = await t.request('/plugins/recorder/events', { as: 'read' })
  return ((await res.json()) as { events: { id: string }[] }).events.map((e) => e.id)
}

/** The same checks on every transport: a used idempotency key answers alike in process and on JetStream. */
function idempotencyChecks(server: () => TestServer): void {
  it('ends a second event with a used idempotencyKey skipped_duplicate (idempotency on by default)', async () => {
    const t = server()
    const metadata = { idempotencyKey: `order-${Date.now()}` }
    const first = await post(t, { type: 'order.created', data: { n: 1 }, metadata })
    expect(await settled(t, first)).toMatchObject([{ handler: 'recorder', status: 'succeeded' }])
    const second = await post(t, { type: 'order.created', data: { n: 2 }, metadata })
    expect(second).not.toBe(first)
    const deliveries = await settled(t, second)
    expect(deliveries).toMatchObject([{ handler: 'recorder', status: 'skipped_duplicate' }])
    expect(await handled(t)).toContain(first)
    expect(await handled(t)).not.toContain(second)
  }, 30_000)

  it('answers a POST of the same event again with its id and keeps its ledger', async () => {
    const t = server()
    const cloudEvent = { specversion: '1.0', id: `ce-${Date.now()}`, source: '/shop', type: 'order.created' }
    expect(await post(t, cloudEvent, 'application/cloudevents+json')).toBe(cloudEvent.id)
    await settled(t, cloudEvent.id)
    expect(await post(t, cloudEvent, 'application/cloudevents+json')).toBe(cloudEvent.id)
    expect(await settled(t, cloudEvent.id)).toMatchObject([{ handler: 'recorder', status: 'succeeded' }])
    expect((await handled(t)).filter((id) => id === cloudEvent.id)).toHaveLength(1)
  }, 30_000)
}

const plugins = { recorder: {}, flaky: { enabled: false }, greeter: { enabled: false } }

describe('idempotency keys over HTTP, in process', () => {
  let t: TestServer | undefined
  beforeAll(async () => {
    t = await startTestServer(testConfig({ plugins }))
  })
  afterAll(() => t?.close())

  idempotencyChecks(() => t!)
})

describe.skipIf(!up && process.env.CI !== 'true')(
  'idempotency keys over HTTP, on transport.driver: nats',
  () => {
    const stream = TestNats.streamName()
    let nats: TestNats | undefined
    let t: TestServer | undefined
    beforeAll(async () => {
      nats = await TestNats.connect()
      t = await startTestServer(
        testConfig({ plugins, transport: { driver: 'nats', servers: [NATS_URL], stream } }),
      )
    }, HOOK_MS)
    afterAll(async () => {
      await t?.close()
      await nats?.removeRun(stream)
      await nats?.close()
    }, HOOK_MS)

    idempotencyChecks(() => t!)
  },
)
