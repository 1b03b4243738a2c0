import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { useTarballMarketplace } from './support/served-tarball.js'

const FIXTURE = fileURLToPath(new URL('fixtures/installable', import.meta.url))

const market = useTarballMarketplace(
  FIXTURE,
  { isolation: 'process' },
  { plugins: { recorder: { enabled: false }, flaky: { enabled: false }, greeter: { enabled: false } } },
)

const install = (body: unknown) =>
  market.t.request('/api/v1/plugins/install', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('marketplace API', () => {
  it('lists the catalog (empty without registry or indexes)', async () => {
    const res = await market.t.request('/api/v1/plugins/marketplace', { as: 'read' })
    expect(res.status).toBe(200)
  })

  it('refuses a download whose checksum does not match, changing nothing', async () => {
    const res = await install({ download_url: market.tarball.url, checksum_sha256: '0'.repeat(64) })
    expect(res.status).toBe(422)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_INTEGRITY')
    expect((await market.t.request('/plugins/installable/ping', { as: 'read' })).status).toBe(404)
  })

  it('installs from a tarball URL with its checksum (201) and serves the plugin at once, isolated', async () => {
    const res = await install({ download_url: market.tarball.url, checksum_sha256: market.tarball.checksum })
    expect(res.status, await res.clone().text()).toBe(201)
    expect(await res.json()).toMatchObject({
      name: 'switchyard-plugin-installable',
      version: '1.0.0',
      isolation: 'process',
    })
    const ping = await market.t.request('/plugins/installable/ping', { as: 'read' })
    expect(await ping.json()).toEqual({ pong: true })
    const status = (await (await market.t.request('/plugins/status', { as: 'read' })).json()) as {
      plugins: { name: string; isolation?: { mode: string; pid?: number } }[]
    }
    const installed = status.plugins.find((plugin) => plugin.name === 'installable')
    expect(installed?.isolation).toMatchObject({ mode: 'process', state: 'running', restarts: 0 })
    expect(installed?.isolation?.pid).toBeGreaterThan(0)
  })

  it('refuses a second install of the same package with 409', async () => {
    const res = await install({ download_url: market.tarball.url, checksum_sha256: market.tarball.checksum })
    expect(res.status).toBe(409)
  })

  it('uninstalls it: stopped, removed, 404 afterwards', async () => {
    const res = await market.t.request('/api/v1/plugins/uninstall/switchyard-plugin-installable', {
      method: 'DELETE',
    })
    expect(res.status).toBe(200)
    expect((await market.t.request('/plugins/installable/ping', { as: 'read' })).status).toBe(404)
    const again = await market.t.request('/api/v1/plugins/uninstall/switchyard-plugin-installable', {
      method: 'DELETE',
    })
    expect(again.status).toBe(404)
  })

  it('answers 400 for a body that is neither shape', async () => {
    const res = await install({ name: 'x', download_url: 'http://a' })
    expect(res.status).toBe(400)
  })
})
