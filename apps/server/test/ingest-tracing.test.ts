import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FIXTURE_PLUGINS, startTestServer, type TestServer, testConfig } from './support/test-server.js'

// The first-party plugins, built (`pnpm build`): request-tracing alone is started, with the recorder fixture.
const PLUGINS_DIR = fileURLToPath(new URL('../../../plugins', import.meta.url))

let t: TestServer

beforeAll(async () => {
  const off = { enabled: false }
  t = await startTestServer(
    testConfig({
      plugin_directories: [PLUGINS_DIR, FIXTURE_PLUGINS],
      plugins: {
        'request-tracing': { config: {} },
        webhooks: off,
        'order-notifications': off,
        'audit-log': off,
        'health-checks': off,
        'jwt-auth': off,
        flaky: off,
        greeter: off,
      },
    }),
  )
})

afterAll(() => t?.close())

function post(headers: Record<string, string>, as: 'publish' | 'read' = 'publish'): Promise<Response> {
  return t.request('/api/v1/events', {
    as,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ type: 'order.created', data: { n: 1 } }),
  })
}

describe('request-tracing on the ingest route (its middleware in Node form)', () => {
  it('answers with the correlation id and processing time, and stamps the id on the event', async () => {
    const res = await post({ 'x-correlation-id': 'checkout-9' })
    expect(res.status).toBe(202)
    expect(res.headers.get('x-correlation-id')).toBe('checkout-9')
    expect(res.headers.get('x-processing-time')).toMatch(/^\d+\.\d{3}ms$/)
    expect(res.headers.get('x-request-id')).toBeTruthy()
    const { id } = (await res.json()) as { id: string }
    await vi.waitFor(async () => {
      const seen = (await (await t.request('/plugins/recorder/events')).json()) as {
        events: { id: string; metadata: { correlationId?: string } }[]
      }
      expect(seen.events.find((event) => event.id === id)?.metadata.correlationId).toBe('checkout-9')
    })
  })

  it('makes a new id for a malformed one, and carries the headers on a refusal too', async () => {
    const fresh = await post({ 'x-correlation-id': 'not ok!' })
    expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/)
    const refused = await post({ 'x-correlation-id': 'checkout-10' }, 'read')
    expect(refused.status).toBe(403)
    expect(refused.headers.get('x-correlation-id')).toBe('checkout-10')
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBeTruthy()
  })
})
