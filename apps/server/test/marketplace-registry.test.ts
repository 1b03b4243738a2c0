import { access, readdir } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestRegistry, type TestRegistry } from '@switchyard/marketplace/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MarketplaceApp, publishFixture, startMarketplaceApp } from './support/marketplace-app.js'
import { runCli } from './support/run-cli.js'
import { TOKENS } from './support/test-server.js'

const REPOSITORY = fileURLToPath(new URL('../../..', import.meta.url))
const FIRST_PARTY = ['audit-log', 'health-checks', 'order-notifications', 'request-tracing', 'webhooks']
const TALLY = 'switchyard-plugin-tally'
const REPORT = 'switchyard-plugin-tally-report'
const WEBHOOKS = '@switchyard/plugin-webhooks'
const TALLIED = { type: 'tally.added' }
const STEPS = ['resolve', 'download', 'verify', 'extract', 'dependencies', 'load', 'swap']

let registry: TestRegistry
let app: MarketplaceApp
let receiver: Server
const received: { headers: IncomingHttpHeaders; body: string }[] = []

beforeAll(async () => {
  registry = await startTestRegistry()
  // The plugins' third-party dependencies, from the workspace's installed copies: no uplink to the public registry.
  await registry.publishInstalled(['valibot', 'hono'], join(REPOSITORY, 'plugins', 'webhooks'))
  // The release flow's publishing step: `pnpm publish` of each built package (workspace ranges rewritten).
  await Promise.all(FIRST_PARTY.map((name) => registry.publishDir(join(REPOSITORY, 'plugins', name))))
  for (const version of ['0.1.0', '0.1.1']) await publishFixture(registry, 'tally', version)
  await publishFixture(registry, 'tally-broken')
  await publishFixture(registry, 'tally-report')
  // The webhook receiver below is on loopback, which the webhooks plugin refuses unless allowed.
  const webhooks = { config: { allowed_hosts: ['127.0.0.1'] } }
  app = await startMarketplaceApp(
    { registry: registry.url, token: registry.token },
    { plugins: { webhooks } },
  )
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
}, 180_000)

afterAll(async () => {
  await app?.close()
  await registry?.close()
  await new Promise((resolve) => receiver?.close(resolve))
})

const get = async (path: string) => (await app.call('GET', path, undefined, 'read')).body
const stateOf = async (plugin: string) => (await app.plugins()).find((p) => p.name === plugin)?.state

// Installs run npm against the loopback registry: seconds each, more on a loaded machine.
describe('marketplace over HTTP against a real registry', { timeout: 60_000 }, () => {
  it('lists the published plugins with their versions and compatibility', async () => {
    const { status, body } = await app.call('GET', '/api/v1/plugins/marketplace', undefined, 'read')
    expect(status).toBe(200)
    expect(body.problems).toEqual([])
    const plugins = body.plugins as Record<string, unknown>[]
    for (const name of FIRST_PARTY)
      expect(plugins).toContainEqual(
        expect.objectContaining({
          name: `@switchyard/plugin-${name}`,
          version: '0.1.0',
          source: 'registry',
          hostRange: '^0.1.0',
          compatibility: 'compatible',
          installedVersion: null,
          license: 'MIT',
        }),
      )
    expect(plugins.find((plugin) => plugin.name === TALLY)).toMatchObject({
      version: '0.1.2',
      versions: ['0.1.2', '0.1.1', '0.1.0'],
      compatibility: 'compatible',
    })
  })

  it('installs a first-party plugin: its handler receives published events and its routes answer', async () => {
    const installed = await app.call('POST', '/api/v1/plugins/install', { name: WEBHOOKS })
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    expect(installed.body).toMatchObject({ name: WEBHOOKS, version: '0.1.0', source: { kind: 'registry' } })
    // its third-party dependencies were installed beside it; the host's own packages were not
    const modules = await readdir(join(app.installDir, WEBHOOKS, 'node_modules'))
    expect(modules).toEqual(expect.arrayContaining(['hono', 'valibot']))
    expect(modules).not.toContain('@switchyard')
    expect(await stateOf('webhooks')).toBe('started')

    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    const subscription = {
      pattern: 'order.**',
      url,
      secret: 'whsec_0123456789abcdef',
      signature: 'switchyard',
    }
    const created = await app.call('POST', '/plugins/webhooks/subscriptions', subscription)
    expect(created.status).toBe(201)
    const order = { type: 'order.status_changed', data: { n: 1 } }
    expect(await app.deliver(order, 'webhook_dispatcher')).toMatchObject({ status: 'succeeded', attempts: 1 })
    expect(received).toHaveLength(1)
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: 'order.status_changed', data: { n: 1 } })
    expect(received[0]!.headers['switchyard-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
  })

  it('installs a plugin at a given version, and one that depends on it', async () => {
    const installed = await app.call('POST', '/api/v1/plugins/install', { name: TALLY, version: '0.1.0' })
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    expect(await app.deliver(TALLIED, 'tally_counter')).toMatchObject({ status: 'succeeded' })
    expect(await get('/plugins/tally/count')).toEqual({ version: '0.1.0', count: 1 })
    expect((await app.call('POST', '/api/v1/plugins/install', { name: REPORT })).status).toBe(201)
    expect(await get('/plugins/tally-report/ok')).toEqual({ ok: true })
    const again = await app.call('POST', '/api/v1/plugins/install', { name: TALLY })
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'E_ALREADY_INSTALLED' } } })
  })

  it('upgrades through the CLI, keeping the plugin state and restarting its dependent', async () => {
    const env = { SWITCHYARD_TOKEN: TOKENS.admin }
    const run = await runCli(
      ['plugins', 'upgrade', TALLY, '--version', '0.1.1', '--json', '--url', app.t.url],
      env,
    )
    expect(run.code, run.stderr).toBe(0)
    // Each step on stderr as the server streamed it; the answer alone on stdout.
    const steps = run.stderr.split('\n').filter((line) => line.startsWith('✓'))
    expect(steps.map((line) => line.split(/\s+/)[1])).toEqual(STEPS)
    expect(steps[0]).toContain(`${TALLY}@0.1.1 from ${registry.url}`)
    expect(JSON.parse(run.stdout)).toMatchObject({
      plugin: { name: TALLY, version: '0.1.1' },
      previousVersion: '0.1.0',
      changed: true,
    })
    expect(await get('/plugins/tally/count')).toEqual({ version: '0.1.1', count: 1 })
    expect(await stateOf('tally-report')).toBe('started')
    expect((await app.lock())[TALLY]).toMatchObject({ version: '0.1.1' })
    const same = await app.call('POST', '/api/v1/plugins/upgrade', { name: TALLY, version: '0.1.1' })
    expect(same).toMatchObject({ status: 200, body: { changed: false, previousVersion: '0.1.1' } })
  })

  it('rolls back a release whose setup throws: the old version keeps running and answering', async () => {
    const before = { files: await app.snapshot(), plugins: await app.plugins() }
    const upgrade = await app.call('POST', '/api/v1/plugins/upgrade', { name: TALLY })
    expect(upgrade.status).toBe(422)
    expect(upgrade.body.error).toMatchObject({
      code: 'E_PLUGIN_START',
      message: expect.stringContaining('counter table missing'),
    })
    expect(await app.snapshot()).toEqual(before.files)
    expect(await app.plugins()).toEqual(before.plugins)
    expect(await app.deliver(TALLIED, 'tally_counter')).toMatchObject({ status: 'succeeded' })
    expect(await get('/plugins/tally/count')).toEqual({ version: '0.1.1', count: 2 })
  })

  it('refuses to uninstall a plugin others depend on unless forced, then forgets its state', async () => {
    const before = await app.snapshot()
    const refused = await app.call('DELETE', `/api/v1/plugins/uninstall/${TALLY}`)
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'E_HAS_DEPENDENTS' } } })
    expect(refused.body.error).toMatchObject({ message: expect.stringContaining('tally-report') })
    expect(await app.snapshot()).toEqual(before)
    expect(await stateOf('tally')).toBe('started')

    const forced = await app.call('DELETE', `/api/v1/plugins/uninstall/${TALLY}?force=true`)
    expect(forced).toMatchObject({ status: 200, body: { name: TALLY, version: '0.1.1' } })
    expect((await app.call('GET', '/plugins/tally/count', undefined, 'read')).status).toBe(404)
    expect(await stateOf('tally')).toBeUndefined()
    expect(await stateOf('tally-report')).toBe('disabled')
    await expect(access(join(app.installDir, TALLY))).rejects.toThrow()
    expect(Object.keys(await app.lock())).not.toContain(TALLY)

    // installed again: its KV was forgotten, and the dependent starts with it
    expect(
      (await app.call('POST', '/api/v1/plugins/install', { name: TALLY, version: '0.1.1' })).status,
    ).toBe(201)
    expect(await get('/plugins/tally/count')).toEqual({ version: '0.1.1', count: 0 })
    expect(await stateOf('tally-report')).toBe('started')
  })

  it('uninstalls through the CLI and the API until nothing is left', async () => {
    const env = { SWITCHYARD_TOKEN: TOKENS.admin }
    const run = await runCli(['plugins', 'uninstall', REPORT, '--url', app.t.url], env)
    expect(run.code, run.stderr).toBe(0)
    for (const name of [TALLY, WEBHOOKS])
      expect((await app.call('DELETE', `/api/v1/plugins/uninstall/${encodeURIComponent(name)}`)).status).toBe(
        200,
      )
    expect(await app.plugins()).toEqual([])
    expect(await app.lock()).toEqual({})
    expect(await readdir(app.installDir)).toEqual(['switchyard-plugins.lock.json'])
    const gone = await app.call('DELETE', `/api/v1/plugins/uninstall/${TALLY}`)
    expect(gone).toMatchObject({ status: 404, body: { error: { code: 'E_NOT_INSTALLED' } } })
  })
})

describe('marketplace section on reload-config', { timeout: 30_000 }, () => {
  const installByUrl = () =>
    app.call('POST', '/api/v1/plugins/install', { download_url: `${registry.url}nowhere.tgz` })

  it('applies a changed section without a restart: sources, registry, enabled flag', async () => {
    expect((await app.reconfigure({ allowed_sources: ['registry'] })).status).toBe(200)
    expect(await installByUrl()).toMatchObject({
      status: 403,
      body: { error: { code: 'E_SOURCE_NOT_ALLOWED' } },
    })
    expect((await app.reconfigure({ registry: null })).status).toBe(200)
    expect(await get('/api/v1/plugins/marketplace')).toEqual({ plugins: [], problems: [] })
    expect((await app.reconfigure({ enabled: false })).status).toBe(200)
    expect(await app.call('GET', '/api/v1/plugins/marketplace')).toMatchObject({
      status: 409,
      body: { error: { code: 'E_MARKETPLACE_DISABLED' } },
    })
    expect((await app.reconfigure({})).status).toBe(200)
    const { plugins } = (await get('/api/v1/plugins/marketplace')) as { plugins: { name: string }[] }
    expect(plugins.map((plugin) => plugin.name)).toContain(TALLY)
  })

  it('rejects an invalid section or a moved install_dir with 400, applying nothing of the file', async () => {
    expect((await app.reconfigure({ enabled: false })).status).toBe(200)
    // the same file also drops the read token: that must not apply either
    const auth = { tokens: [{ name: 'admin', token: TOKENS.admin, scopes: ['admin'] }] }
    const invalid = await app.reconfigure({ enabled: true, limits: { max_files: 0 } }, { auth })
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'E_CONFIG' } } })
    // file:line:column of the bad key, as a start with that file would say
    expect(invalid.body.error).toMatchObject({
      message: expect.stringMatching(/switchyard\.yaml:\d+:\d+: marketplace\.limits\.max_files: /),
    })
    const moved = await app.reconfigure({ enabled: true, install_dir: join(app.dir, 'elsewhere') })
    expect(moved).toMatchObject({ status: 400, body: { error: { code: 'E_CONFIG' } } })
    expect(moved.body.error).toMatchObject({
      message: expect.stringMatching(
        /switchyard\.yaml:\d+:\d+: marketplace\.install_dir: changing it needs a restart/,
      ),
    })
    expect((await app.call('GET', '/api/v1/plugins/marketplace', undefined, 'read')).status).toBe(409)
    expect((await app.reconfigure({})).status).toBe(200)
  })
})
