import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, TOKEN_CONFIG, testConfig } from './support/test-server.js'

let t: TestServer

const config = testConfig({ plugins: { recorder: {}, greeter: { config: { greeting: 'hi' } }, flaky: {} } })

beforeAll(async () => {
  t = await startTestServer(config)
})
afterAll(() => t.close())

interface Plugin {
  name: string
  state: string
  enabled: boolean
}

async function plugin(name: string): Promise<Plugin | undefined> {
  const { plugins } = (await (await t.request('/api/v1/events/plugins', { as: 'read' })).json()) as {
    plugins: Plugin[]
  }
  return plugins.find((p) => p.name === name)
}

const post = (path: string) => t.request(path, { method: 'POST' })

describe('plugin management API', () => {
  it('lists the fixture plugins as started, in both the seed list and /plugins/status', async () => {
    expect(await plugin('recorder')).toMatchObject({ state: 'started', enabled: true })
    const status = (await (await t.request('/plugins/status', { as: 'read' })).json()) as {
      plugins: Plugin[]
    }
    expect(status.plugins.map((p) => p.name).sort()).toEqual(['flaky', 'greeter', 'recorder'])
  })

  it("serves a plugin's routes under /plugins/<name> with its http.middleware applied", async () => {
    const res = await t.request('/plugins/greeter/hello', { as: 'read' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ greeting: 'hi' })
    expect(res.headers.get('x-greeter')).toBe('hi')
    const echo = await t.request('/plugins/recorder/echo', {
      as: 'publish',
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    })
    expect(await echo.json()).toEqual({ a: 1 })
  })

  it('reports one plugin health, 404 for an unknown plugin', async () => {
    const res = await t.request('/plugins/recorder/health', { as: 'read' })
    expect(res.status).toBe(200)
    expect(JSON.stringify(await res.json())).toContain('ok')
    expect((await t.request('/plugins/nope/health', { as: 'read' })).status).toBe(404)
  })

  it('serves plugin metrics and extension points', async () => {
    expect((await t.request('/plugins/metrics', { as: 'read' })).status).toBe(200)
    const res = await t.request('/extension-points', { as: 'read' })
    const { extensionPoints } = (await res.json()) as {
      extensionPoints: { name: string; contributions: { owner?: string }[] }[]
    }
    const middleware = extensionPoints.find((p) => p.name === 'http.middleware')
    expect(middleware?.contributions).toEqual([expect.objectContaining({ owner: 'greeter' })])
  })

  it('disables and enables a plugin through the API: its routes and handlers go and come back', async () => {
    const disabled = await post('/api/v1/events/plugins/greeter/disable')
    expect(disabled.status).toBe(200)
    expect(await plugin('greeter')).toMatchObject({ enabled: false })
    expect((await t.request('/plugins/greeter/hello', { as: 'read' })).status).toBe(404)
    const enabled = await post('/api/v1/events/plugins/greeter/enable')
    expect(enabled.status).toBe(200)
    expect(await plugin('greeter')).toMatchObject({ state: 'started', enabled: true })
    expect((await t.request('/plugins/greeter/hello', { as: 'read' })).status).toBe(200)
  })

  it('reloads a plugin through the API and keeps serving it', async () => {
    const res = await post('/plugins/recorder/reload')
    expect(res.status).toBe(200)
    expect(await plugin('recorder')).toMatchObject({ state: 'started' })
    expect((await t.request('/plugins/recorder/events', { as: 'read' })).status).toBe(200)
  })

  it('answers 404 when enabling an unknown plugin', async () => {
    const res = await post('/api/v1/events/plugins/nope/enable')
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_NOT_FOUND')
  })
})

describe('POST /api/v1/events/reload-config', () => {
  it('applies a valid file: a plugin switched off in config stops, a new token works at once', async () => {
    const rotated = { Authorization: 'Bearer rotated-read-token' }
    expect((await fetch(`${t.url}/plugins/status`, { headers: rotated })).status).toBe(401)
    const tokens = [...TOKEN_CONFIG, { name: 'rotated', token: 'rotated-read-token', scopes: ['read'] }]
    await t.writeConfig({
      ...config,
      auth: { tokens, public_paths: ['/healthz'] },
      plugins: { ...(config.plugins as object), flaky: { enabled: false } },
    })
    const res = await post('/api/v1/events/reload-config')
    expect(res.status).toBe(200)
    expect(await plugin('flaky')).toMatchObject({ enabled: false })
    expect((await fetch(`${t.url}/plugins/status`, { headers: rotated })).status).toBe(200)
    expect((await t.request('/readyz', { as: null })).status).toBe(401)
  })

  it('rejects an invalid file with 400 E_CONFIG naming the key, and keeps the running configuration', async () => {
    await t.writeConfig({ ...config, delivery: { timeout_ms: 'soon' } })
    const res = await post('/api/v1/events/reload-config')
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('E_CONFIG')
    expect(error.message).toContain('delivery.timeout_ms')
    expect(await plugin('flaky')).toMatchObject({ enabled: false })
    expect((await t.request('/api/v1/events/plugins', { as: 'read' })).status).toBe(200)
  })
})
