import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../src/runtime/start-server.js'
import { startTestServer, type TestServer, TOKEN_CONFIG, testConfig } from './support/test-server.js'

let t: TestServer

beforeAll(async () => {
  const publicPaths = ['/healthz', '/metrics', '/plugins/greeter/*']
  t = await startTestServer(testConfig({ auth: { tokens: TOKEN_CONFIG, public_paths: publicPaths } }))
})
afterAll(() => t.close())

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

describe('auth', () => {
  it('answers 401 E_UNAUTHORIZED without a token or with an unknown one', async () => {
    const none = await t.request('/api/v1/events/plugins', { as: null })
    expect(none.status).toBe(401)
    expect(await codeOf(none)).toBe('E_UNAUTHORIZED')
    const unknown = await fetch(`${t.url}/api/v1/events/plugins`, {
      headers: { authorization: 'Bearer read-token-1235' },
    })
    expect(unknown.status).toBe(401)
  })

  it('answers 403 E_FORBIDDEN to a token without the scope', async () => {
    const readerPublishing = await t.request('/api/v1/events', {
      as: 'read',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'a.b' }),
    })
    expect(readerPublishing.status).toBe(403)
    expect(await codeOf(readerPublishing)).toBe('E_FORBIDDEN')
    const producerReading = await t.request('/api/v1/events/plugins', { as: 'publish' })
    expect(producerReading.status).toBe(403)
    const readerManaging = await t.request('/api/v1/events/reload-config', { as: 'read', method: 'POST' })
    expect(readerManaging.status).toBe(403)
  })

  it('lets a token with the scope through, and admin everywhere', async () => {
    expect((await t.request('/api/v1/events/plugins', { as: 'read' })).status).toBe(200)
    expect((await t.request('/api/v1/events/plugins', { as: 'admin' })).status).toBe(200)
  })

  it('serves public paths without a token, exact and by prefix', async () => {
    expect((await t.request('/healthz', { as: null })).status).toBe(200)
    expect((await t.request('/metrics', { as: null })).status).toBe(200)
    expect((await t.request('/plugins/greeter/hello', { as: null })).status).toBe(200)
    expect((await t.request('/readyz', { as: null })).status).toBe(401)
    expect((await t.request('/plugins/recorder/events', { as: null })).status).toBe(401)
  })

  it('generates an admin token when none is configured and announces it exactly once', async () => {
    const announced: string[] = []
    const server = await startServer({
      config: testConfig({ auth: { tokens: [{ name: 'unset', token: null, scopes: ['admin'] }] } }),
      logLevel: 'silent',
      unownedFaults: 'ignore',
      announceToken: (token) => announced.push(token),
    })
    try {
      expect(announced).toHaveLength(1)
      const [token] = announced
      const ok = await fetch(`${server.url}/api/v1/events/plugins`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(ok.status).toBe(200)
      expect((await fetch(`${server.url}/api/v1/events/plugins`)).status).toBe(401)
    } finally {
      await server.close()
    }
  })
})
