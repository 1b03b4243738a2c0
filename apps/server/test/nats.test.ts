import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { idempotencyChecks } from './support/idempotency-checks.js'
import { NATS_URL, natsReachable, TestNats } from './support/test-nats.js'
import { startTestServer, type TestServer, testConfig, waitFor } from './support/test-server.js'

const up = await natsReachable()
// Starting a server on JetStream (stream, consumers, five KV buckets) can outlast the 10 s default on a busy machine.
const HOOK_MS = 30_000

/** A server whose bus runs on `stream` with the recorder plugin alone. */
const startOnNats = (stream: string) =>
  startTestServer(
    testConfig({
      plugins: { recorder: {}, flaky: { enabled: false }, greeter: { enabled: false } },
      transport: { driver: 'nats', servers: [NATS_URL], stream },
    }),
  )

/** Publishes one event and resolves to its id. */
async function publish(t: TestServer, n: number): Promise<string> {
  const res = await t.request('/api/v1/events', {
    as: 'publish',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'order.created', data: { n } }),
  })
  expect(res.status).toBe(202)
  return ((await res.json()) as { id: string }).id
}

describe.skipIf(!up)('server on transport.driver: nats', () => {
  const stream = TestNats.streamName()
  let nats: TestNats | undefined
  let t: TestServer | undefined
  beforeAll(async () => {
    nats = await TestNats.connect()
    await nats.removeStaleStreams()
    t = await startOnNats(stream)
  }, HOOK_MS)
  afterAll(async () => {
    await t?.close()
    await nats?.removeRun(stream)
    await nats?.close()
  }, HOOK_MS)

  it('publishes over JetStream and records the delivery in the NATS store', async () => {
    const id = await publish(t!, 1)
    const ledger = await waitFor(async () => {
      const body = (await (await t!.request(`/api/v1/events/${id}/deliveries`, { as: 'read' })).json()) as {
        deliveries?: { handler: string; status: string }[]
      }
      return body.deliveries?.find((d) => d.status === 'succeeded')
    }, 15_000)
    expect(ledger.handler).toBe('recorder')
    expect(await (await t!.request('/readyz', { as: null })).json()).toEqual({ status: 'ready' })
  }, 30_000)

  // A used idempotency key answers as in process (test/idempotency.test.ts), never leaving rows pending.
  idempotencyChecks(() => t!)
})

describe.skipIf(!up)('TestNats, the cleanup of the server-on-NATS tests', () => {
  it("removes a run's stream and KV buckets, and both once older than an hour", async () => {
    const nats = await TestNats.connect()
    const stream = TestNats.streamName()
    let t: TestServer | undefined
    try {
      t = await startOnNats(stream)
      const id = await publish(t, 2)
      await waitFor(async () => ((await nats.ledgerMessages(stream, id)) > 0 ? true : undefined), 15_000)
      await t.close()
      t = undefined
      expect(await nats.testStreams()).toContain(stream)
      expect(await nats.removeStaleStreams(stream)).toEqual([])
      // an hour from now, the run's stream is a leftover
      const stale = await nats.removeStaleStreams(stream, Date.now() + 61 * 60 * 1000)
      expect(stale).toEqual(expect.arrayContaining([stream, `KV_${stream.toLowerCase()}_ledger`]))
      expect(await nats.testStreams()).not.toContain(stream)
      expect(await nats.ledgerMessages(stream, id)).toBe(0)
    } finally {
      await t?.close()
      await nats.removeRun(stream)
      await nats.close()
    }
  }, 30_000)
})
