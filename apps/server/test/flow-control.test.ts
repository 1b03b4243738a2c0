import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, testConfig, waitFor } from './support/test-server.js'

const MONTH_MS = 30 * 24 * 3600_000
let t: TestServer

// The recorder fixture subscribes `**` with no flow options: the config's handlers section gives it a rate limit.
beforeAll(async () => {
  t = await startTestServer(
    testConfig({
      plugins: { recorder: {}, greeter: { enabled: false }, flaky: { enabled: false } },
      handlers: { recorder: { rate_limit: { limit: 2, period_ms: MONTH_MS, key: 'data.user' } } },
    }),
  )
}, 60_000)
afterAll(() => t.close())

const post = (path: string, body: unknown, as: 'read' | 'publish') =>
  t.request(path, {
    as,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('flow control from the config file (handlers:)', () => {
  it('shows the options that apply to an event in explain', async () => {
    const res = await post('/api/v1/events/explain', { type: 'signup.done', data: { user: 'u-1' } }, 'read')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { handlers: { handler: string; flow?: string[] }[] }
    expect(body.handlers.find((h) => h.handler === 'recorder')?.flow).toEqual([
      `rateLimit: 2 per ${MONTH_MS} ms per data.user ("u-1")`,
    ])
  })

  it('ends deliveries past the limit rate_limited in the ledger', async () => {
    const ids: string[] = []
    for (let n = 0; n < 3; n++) {
      const res = await post('/api/v1/events', { type: 'signup.done', data: { user: 'u-2', n } }, 'publish')
      expect(res.status).toBe(202)
      ids.push(((await res.json()) as { id: string }).id)
    }
    const statuses = await waitFor(async () => {
      const found: string[] = []
      for (const id of ids) {
        const res = await t.request(`/api/v1/events/${id}/deliveries`, { as: 'read' })
        const body = (await res.json()) as { deliveries: { handler: string; status: string }[] }
        const status = body.deliveries.find((d) => d.handler === 'recorder')?.status
        if (status === undefined || status === 'pending' || status === 'retrying') return undefined
        found.push(status)
      }
      return found
    })
    expect(statuses.sort()).toEqual(['rate_limited', 'succeeded', 'succeeded'])
  })
}, 30_000)
