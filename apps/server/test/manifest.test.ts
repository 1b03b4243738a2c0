import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, testConfig } from './support/test-server.js'

const MANIFEST_FIXTURES = fileURLToPath(new URL('./fixtures/manifest', import.meta.url))

describe('manifest fields and config schemas over HTTP', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer(testConfig({ plugin_directories: [MANIFEST_FIXTURES] }))
  }, 30_000)
  afterAll(() => t.close(), 30_000)

  it('shows category, tags, author and license in the plugin list and /plugins/status', async () => {
    for (const path of ['/api/v1/events/plugins', '/plugins/status']) {
      const { plugins } = (await (await t.request(path, { as: 'read' })).json()) as { plugins: unknown[] }
      expect(plugins).toEqual([
        expect.objectContaining({
          name: 'documented',
          category: 'notifications',
          tags: ['email', 'example'],
          author: 'Ada Lovelace <ada@example.com>',
          license: 'MIT',
        }),
      ])
    }
  })

  it('serves the config schema with defaults and descriptions, 404 for an unknown plugin', async () => {
    const res = await t.request('/api/v1/events/plugins/documented/config-schema', { as: 'read' })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      plugin: 'documented',
      schema: {
        type: 'object',
        properties: {
          channel: { enum: ['log', 'email'], default: 'log', description: 'Where notifications go' },
          retries: { type: 'number', default: 3, description: 'Attempts per notification' },
        },
      },
    })
    const missing = await t.request('/api/v1/events/plugins/nobody/config-schema', { as: 'read' })
    expect(missing.status).toBe(404)
  })
})
