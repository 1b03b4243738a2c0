import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, testConfig, waitFor } from './support/test-server.js'

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

interface Ledger {
  deliveries: { handler: string; status: string; dueAt?: string; attempts: number }[]
}

// Ingest is answered on the Node request, or inside plugin middleware when one is contributed (greeter's).
describe.each([
  { path: 'without plugin middleware', greeter: { enabled: false } },
  { path: 'inside plugin http.middleware', greeter: {} },
])('POST /api/v1/events with a due time, $path', ({ greeter }) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(testConfig({ plugins: { recorder: {}, greeter, flaky: { enabled: false } } }))
  })
  afterAll(() => s.close())

  const deliveries = async (id: string): Promise<Ledger> =>
    (await (await s.request(`/api/v1/events/${id}/deliveries`, { as: 'read' })).json()) as Ledger

  it('shows the deliveries scheduled with their due time, then delivers once due', async () => {
    const res = await s.request('/api/v1/events', {
      as: 'publish',
      ...json({ type: 'order.created', data: { n: 1 }, delayMs: 1500 }),
    })
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    const scheduled = await deliveries(id)
    expect(scheduled.deliveries).toEqual([
      expect.objectContaining({ handler: 'recorder', status: 'scheduled', attempts: 0 }),
    ])
    const dueMs = Date.parse(scheduled.deliveries[0]!.dueAt!)
    const done = await waitFor(async () => {
      const ledger = await deliveries(id)
      return ledger.deliveries[0]?.status === 'succeeded' ? ledger : undefined
    })
    expect(done.deliveries[0]).toMatchObject({ attempts: 1 })
    expect(Date.now()).toBeGreaterThanOrEqual(dueMs)
  })

  it('takes deliverAt as RFC 3339 and keeps it in the event metadata', async () => {
    const deliverAt = new Date(Date.now() + 500).toISOString()
    const res = await s.request('/api/v1/events', {
      as: 'publish',
      ...json({ type: 'order.paid', data: {}, deliverAt }),
    })
    const { id } = (await res.json()) as { id: string }
    const recorded = await waitFor(async () => {
      const body = (await (await s.request('/plugins/recorder/events', { as: 'read' })).json()) as {
        events: { id: string; metadata: Record<string, unknown> }[]
      }
      return body.events.find((e) => e.id === id)
    })
    expect(recorded.metadata.deliverAt).toBe(deliverAt)
  })

  it('answers 400 naming the field for a malformed, long-past or doubled due time', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ deliverAt: 'tomorrow' }, /^body\.deliverAt: expected an RFC 3339 date-time/],
      [{ deliverAt: '2020-01-01T00:00:00Z' }, /^body\.deliverAt: .* in the past/],
      [{ deliverAt: 5 }, /body\.deliverAt/],
      [{ delayMs: -1 }, /^body\.delayMs: expected an integer >= 0/],
      [{ delayMs: 10, deliverAt: new Date().toISOString() }, /give one of them, not both/],
    ]
    for (const [extra, message] of cases) {
      const res = await s.request('/api/v1/events', {
        as: 'publish',
        ...json({ type: 'order.created', data: {}, ...extra }),
      })
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect([res.status, body.error.message]).toEqual([400, expect.stringMatching(message)])
    }
  })
})
