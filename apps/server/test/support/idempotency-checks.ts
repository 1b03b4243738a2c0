import { expect, it } from 'vitest'
import type { TestServer } from './test-server.js'
import { waitFor } from './test-server.js'

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

/**
 * The same checks on every transport: a used idempotency key answers alike in process and on JetStream. The
 * server runs the `recorder` fixture plugin alone.
 *
 * @example
 * ```ts
 * idempotencyChecks(() => server)
 * ```
 */
export function idempotencyChecks(server: () => TestServer): void {
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
