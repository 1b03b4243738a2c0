import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_PLUGINS, startTestServer, type TestServer, testConfig } from './support/test-server.js'

const HOOK_FIXTURES = fileURLToPath(new URL('./fixtures/hooks', import.meta.url))
const HOOK_MS = 30_000

describe('middleware.pre_request and middleware.post_response', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer(
      testConfig({
        plugin_directories: [FIXTURE_PLUGINS, HOOK_FIXTURES],
        plugins: { 'key-auth': { enabled: false } },
      }),
    )
  }, HOOK_MS)
  afterAll(() => t.close(), HOOK_MS)

  it('changes the request the route sees and the answer the client gets', async () => {
    const res = await t.request('/plugins/tracer/echo', {
      as: 'read',
      headers: { 'x-correlation-id': 'c-42' },
    })
    expect(await res.json()).toEqual({ correlationId: 'c-42' })
    expect(res.headers.get('x-correlation-id')).toBe('c-42')
    expect(res.headers.get('x-traced-by')).toBe('tracer')
    // http.middleware (the greeter fixture) still wraps the route.
    expect(res.headers.get('x-greeter')).toBe('hello')
    const status = await t.request('/plugins/status', { as: 'read' })
    expect(status.headers.get('x-correlation-id')).toBe(`cid-${status.headers.get('x-request-id')}`)
  })

  it('answers early from pre_request, and post_response still sees that answer', async () => {
    const res = await t.request('/api/v1/maintenance', { as: null })
    expect(res.status).toBe(503)
    expect(await res.text()).toBe('down for maintenance')
    expect(res.headers.get('x-traced-by')).toBe('tracer')
  })

  it('wraps the ingest route too', async () => {
    const res = await t.request('/api/v1/events', {
      as: 'publish',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'ingest-1' },
      body: JSON.stringify({ type: 'order.created', data: {} }),
    })
    expect(res.status).toBe(202)
    expect(res.headers.get('x-correlation-id')).toBe('ingest-1')
  })

  it('lists the contributions with their owner and priority at /extension-points', async () => {
    const body = (await (await t.request('/extension-points', { as: 'read' })).json()) as {
      extensionPoints: { name: string; kind: string; contributions: { owner?: string; priority: number }[] }[]
    }
    const point = (name: string) => body.extensionPoints.find((p) => p.name === name)
    expect(point('middleware.pre_request')).toMatchObject({
      kind: 'filter',
      contributions: [{ owner: 'tracer', priority: 10 }],
    })
    expect(point('middleware.post_response')?.contributions).toEqual([
      { owner: 'tracer', priority: 10 },
      { owner: 'tracer', priority: 100 },
    ])
    expect(point('http.middleware')?.contributions).toEqual([{ owner: 'greeter', priority: 10 }])
  })
})

describe('auth.authenticate', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer(
      testConfig({
        plugin_directories: [FIXTURE_PLUGINS, HOOK_FIXTURES],
        plugins: { tracer: { enabled: false } },
      }),
    )
  }, HOOK_MS)
  afterAll(() => t.close(), HOOK_MS)

  const call = (
    path: string,
    key: string | undefined,
    init: RequestInit & { as?: 'admin' | 'read' | null } = {},
  ) => t.request(path, { as: null, ...init, headers: key === undefined ? {} : { 'x-api-key': key } })

  it("grants what the plugin's principal may do, before the static tokens", async () => {
    expect((await call('/plugins/status', 'reader-key')).status).toBe(200)
    const refused = await call('/api/v1/events/plugins/greeter/disable', 'reader-key', { method: 'POST' })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({
      error: { code: 'E_FORBIDDEN', message: '"key:reader-key" lacks the "admin" scope this endpoint needs' },
    })
    expect((await call('/api/v1/services', 'admin-key')).status).toBe(200)
    // A reader key shows /healthz details, as a read token does.
    const health = (await (await call('/healthz', 'reader-key')).json()) as Record<string, unknown>
    expect(health).toHaveProperty('plugins')
  })

  it('refuses credentials the plugin rejects with 401 naming it, and falls back to the tokens without its header', async () => {
    const bad = await call('/plugins/status', 'stolen')
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({
      error: { code: 'E_UNAUTHORIZED', message: 'key-auth refused the credentials: unknown API key' },
    })
    expect((await call('/plugins/status', undefined)).status).toBe(401)
    expect((await t.request('/plugins/status', { as: 'read' })).status).toBe(200)
    const ingest = await call('/api/v1/events', 'reader-key', {
      method: 'POST',
      body: JSON.stringify({ type: 'order.created', data: {} }),
    })
    expect(ingest.status).toBe(403)
  })
})
