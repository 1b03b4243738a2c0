import { fileURLToPath } from 'node:url'
import type { ServiceRecord } from '@switchyard/core'
import { afterEach, describe, expect, it } from 'vitest'
import { NATS_URL, natsReachable, TestNats } from './support/test-nats.js'
import { FIXTURE_PLUGINS, startTestServer, type TestServer, testConfig } from './support/test-server.js'

const SERVICE_FIXTURES = fileURLToPath(new URL('./fixtures/services', import.meta.url))
const up = await natsReachable()
const HOOK_MS = 30_000
const servers: TestServer[] = []
afterEach(async () => {
  for (const t of servers.splice(0)) await t.close()
})

/** A server with the registrar fixture registering `service` (none when undefined). */
async function startWith(
  service: Record<string, unknown> | undefined,
  overrides: Record<string, unknown> = {},
) {
  const t = await startTestServer(
    testConfig({
      plugin_directories: [FIXTURE_PLUGINS, SERVICE_FIXTURES],
      plugins: { registrar: { config: service ? { service } : {} } },
      ...overrides,
    }),
  )
  servers.push(t)
  return t
}

async function services(t: TestServer, query = ''): Promise<ServiceRecord[]> {
  const res = await t.request(`/api/v1/services${query}`, { as: 'read' })
  expect(res.status).toBe(200)
  return ((await res.json()) as { services: ServiceRecord[] }).services
}

describe('GET /api/v1/services', () => {
  it("lists the server itself and a plugin's service, enriched by service.pre_register, filtered by query", async () => {
    const t = await startWith({
      id: 'billing-1',
      name: 'billing',
      address: 'http://10.0.0.7:9000',
      tags: ['eu'],
    })
    const all = await services(t)
    expect(all.map((s) => [s.name, s.owner])).toEqual(
      expect.arrayContaining([
        ['billing', 'registrar'],
        ['switchyard', 'switchyard'],
      ]),
    )
    const self = all.find((s) => s.owner === 'switchyard')
    expect(self).toMatchObject({ address: t.url, healthUrl: `${t.url}/healthz`, version: expect.any(String) })
    expect(await services(t, '?name=billing&tags=eu,enhanced')).toEqual([
      expect.objectContaining({ id: 'billing-1', tags: ['eu', 'enhanced'] }),
    ])
    expect(await services(t, '?tags=us')).toEqual([])
    expect((await t.request('/api/v1/services', { as: null })).status).toBe(401)
  })

  it('keeps the server out with services.name: null and advertises services.advertise_url', async () => {
    const hidden = await startWith(undefined, { services: { name: null } })
    expect(await services(hidden)).toEqual([])
    const advertised = await startWith(undefined, {
      services: { advertise_url: 'http://node-a.internal:8080/' },
    })
    expect(await services(advertised)).toEqual([
      expect.objectContaining({
        address: 'http://node-a.internal:8080',
        healthUrl: 'http://node-a.internal:8080/healthz',
      }),
    ])
  })
})

describe.skipIf(!up)('the service registry on NATS', () => {
  it(
    'shows a service registered on one node to another, and drops it when that node stops',
    async () => {
      const nats = await TestNats.connect()
      const stream = TestNats.streamName()
      const transport = { driver: 'nats', servers: [NATS_URL], stream }
      const others = { recorder: { enabled: false }, flaky: { enabled: false }, greeter: { enabled: false } }
      try {
        const a = await startWith(
          { id: 'inventory-a', name: 'inventory', address: 'http://a:1' },
          { transport },
        )
        const b = await startTestServer(
          testConfig({
            plugin_directories: [FIXTURE_PLUGINS, SERVICE_FIXTURES],
            plugins: { ...others, registrar: { config: {} } },
            transport,
          }),
        )
        servers.push(b)
        // Discovered on node B through the plugin's ctx.services, and through the API.
        const found = await (
          await b.request('/plugins/registrar/found?name=inventory', { as: 'read' })
        ).json()
        expect(found).toEqual({
          services: [expect.objectContaining({ id: 'inventory-a', owner: 'registrar' })],
        })
        const nodes = (await services(b, '?name=switchyard')).map((s) => s.address)
        expect(nodes.sort()).toEqual([a.url, b.url].sort())
        const nodeOfA = (await services(b, '?id=inventory-a'))[0]?.node
        expect(nodeOfA).toBe(a.server.host.services.node)

        await a.close()
        servers.splice(servers.indexOf(a), 1)
        expect((await services(b)).map((s) => s.address)).toEqual([b.url])
      } finally {
        for (const t of servers.splice(0)) await t.close()
        await nats.removeRun(stream)
        await nats.close()
      }
    },
    HOOK_MS * 2,
  )
})
