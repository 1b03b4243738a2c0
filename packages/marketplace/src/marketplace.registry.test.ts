import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InstallProgress } from './install/install-progress.js'
import { Marketplace } from './marketplace.js'
import type { MarketplaceConfigInput } from './marketplace-config.js'
import { fakeHost } from './test-support/fake-host.js'
import { packPlugin } from './testing/plugin-package.js'
import { snapshotTree } from './testing/snapshot-tree.js'
import { startTestRegistry, type TestRegistry } from './testing/start-test-registry.js'

let registry: TestRegistry
const roots: string[] = []

beforeAll(async () => {
  registry = await startTestRegistry({ authenticated: true })
  const demo = async () => {
    await registry.publish({
      name: 'switchyard-demo',
      version: '1.0.0',
      eventPlugin: { entry: './index.js', host: '^0.1.0' },
    })
    await registry.publish({ name: 'switchyard-demo', version: '1.1.0' })
    await registry.publish({ name: 'switchyard-demo', version: '2.0.0', setupThrows: true })
  }
  const withDependency = async () => {
    await registry.publish({ name: 'switchyard-test-lib', version: '1.0.0', eventPlugin: false })
    const dependencies = { 'switchyard-test-lib': '^1.0.0', '@switchyard/core': '^0.1.0' }
    await registry.publish({ name: 'switchyard-needs-lib', version: '1.0.0', dependencies })
  }
  const tampered = async () => {
    await registry.publish({ name: 'switchyard-tampered', version: '1.0.0' })
    await writeFile(
      registry.tarballPath('switchyard-tampered', '1.0.0'),
      packPlugin({ name: 'switchyard-tampered', version: '1.0.0', description: 'evil' }),
    )
  }
  await Promise.all([
    demo(),
    withDependency(),
    tampered(),
    registry.publish({
      name: 'switchyard-future',
      version: '1.0.0',
      eventPlugin: { entry: './index.js', host: '>=9.0.0' },
    }),
    registry.publish({ name: 'switchyard-no-manifest', version: '1.0.0', eventPlugin: false }),
    registry.publish({ name: '@acme/switchyard-scoped', version: '0.3.0' }),
  ])
}, 120_000)

afterAll(async () => {
  await registry?.close()
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })))
})

async function setup(config: MarketplaceConfigInput = {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'switchyard-marketplace-'))
  roots.push(cwd)
  const full = {
    enabled: true,
    registry: registry.url,
    token: registry.token,
    install_dir: 'plugins',
    ...config,
  }
  const marketplace = new Marketplace({ config: full, hostVersion: '0.1.0', cwd, npmrcFiles: [] })
  return { cwd, marketplace, installDir: join(cwd, 'plugins') }
}

async function lockOf(installDir: string) {
  return JSON.parse(await readFile(join(installDir, 'switchyard-plugins.lock.json'), 'utf8'))
}

describe('Marketplace against a Verdaccio registry', () => {
  it('lists the registry plugins with versions, compatibility and what is installed', async () => {
    const { marketplace } = await setup()
    await marketplace.install({ name: '@acme/switchyard-scoped' })
    const { plugins, problems } = await marketplace.catalog()
    expect(problems).toEqual([])
    const byName = new Map(plugins.map((plugin) => [plugin.name, plugin]))
    expect(byName.get('switchyard-demo')).toMatchObject({
      version: '2.0.0',
      versions: ['2.0.0', '1.1.0', '1.0.0'],
      source: 'registry',
      location: registry.url,
      installedVersion: null,
    })
    expect(byName.get('switchyard-future')).toMatchObject({
      hostRange: '>=9.0.0',
      compatibility: 'incompatible',
    })
    expect(byName.get('@acme/switchyard-scoped')).toMatchObject({
      compatibility: 'unknown',
      installedVersion: '0.3.0',
    })
  })

  it('installs by range, upgrades, rolls back a version that fails to start, and uninstalls', async () => {
    const { marketplace, installDir, cwd } = await setup()
    const host = fakeHost()
    const installed = await marketplace.install({ name: 'switchyard-demo', version: '~1.0.0' }, host.hooks)
    expect(installed).toMatchObject({
      name: 'switchyard-demo',
      version: '1.0.0',
      source: { kind: 'registry' },
    })
    expect(installed.integrity).toMatch(/^sha512-/)
    expect(host.calls).toEqual(['verify switchyard-demo@1.0.0', 'start switchyard-demo@1.0.0'])
    expect(
      JSON.parse(await readFile(join(installDir, 'switchyard-demo', 'package.json'), 'utf8')).version,
    ).toBe('1.0.0')
    await expect(marketplace.install({ name: 'switchyard-demo' }, host.hooks)).rejects.toMatchObject({
      code: 'E_ALREADY_INSTALLED',
    })

    const upgraded = await marketplace.upgrade('switchyard-demo', '^1.0.0', host.hooks)
    expect(upgraded).toMatchObject({ changed: true, previousVersion: '1.0.0', plugin: { version: '1.1.0' } })
    expect(host.running.get('switchyard-demo')).toBe('1.1.0')
    expect((await lockOf(installDir)).plugins['switchyard-demo'].version).toBe('1.1.0')

    const before = await snapshotTree(cwd)
    host.calls.length = 0
    const error = await marketplace.upgrade('switchyard-demo', '2.0.0', host.hooks).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'E_PLUGIN_START', rolledBack: true })
    expect((error as Error).message).toContain('setup of switchyard-demo exploded')
    expect(await snapshotTree(cwd)).toEqual(before)
    expect(host.running.get('switchyard-demo')).toBe('1.1.0')
    expect(host.calls).toEqual([
      'verify switchyard-demo@2.0.0',
      'stop switchyard-demo',
      'start switchyard-demo@2.0.0',
      'stop switchyard-demo',
      'start switchyard-demo@1.1.0',
    ])

    host.dependents.set('switchyard-demo', ['other-plugin'])
    const refused = marketplace.uninstall('switchyard-demo', host.hooks)
    await expect(refused).rejects.toMatchObject({ code: 'E_HAS_DEPENDENTS', dependents: ['other-plugin'] })
    expect(await snapshotTree(cwd)).toEqual(before)
    const removed = await marketplace.uninstall('switchyard-demo', host.hooks, { force: true })
    expect(removed.version).toBe('1.1.0')
    expect(host.calls.slice(-2)).toEqual(['stop switchyard-demo', 'forget switchyard-demo'])
    expect(await readdir(installDir)).toEqual(['switchyard-plugins.lock.json'])
    expect((await lockOf(installDir)).plugins).toEqual({})
    expect(await readdir(cwd)).toEqual(['plugins'])
  })

  it('upgrades through a replace hook: files move inside it, and a failed start is reverted there', async () => {
    const { marketplace, installDir, cwd } = await setup()
    const host = fakeHost({ replace: true })
    await marketplace.install({ name: 'switchyard-demo', version: '1.0.0' }, host.hooks)
    const upgraded = await marketplace.upgrade('switchyard-demo', '^1.0.0', host.hooks)
    expect(upgraded).toMatchObject({ changed: true, plugin: { version: '1.1.0' } })
    expect(host.running.get('switchyard-demo')).toBe('1.1.0')
    expect((await lockOf(installDir)).plugins['switchyard-demo'].version).toBe('1.1.0')

    const before = await snapshotTree(cwd)
    host.calls.length = 0
    const error = await marketplace.upgrade('switchyard-demo', '2.0.0', host.hooks).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'E_PLUGIN_START', rolledBack: true })
    expect(await snapshotTree(cwd)).toEqual(before)
    expect(host.running.get('switchyard-demo')).toBe('1.1.0')
    // no separate stop and start: the hook swaps the running plugin itself
    expect(host.calls).toEqual([
      'verify switchyard-demo@2.0.0',
      'replace switchyard-demo@2.0.0',
      'revert switchyard-demo',
    ])
  })

  it('installs the dependencies of a plugin, except the packages the host provides', async () => {
    const { marketplace, installDir } = await setup()
    await marketplace.install({ name: 'switchyard-needs-lib' })
    const modules = join(installDir, 'switchyard-needs-lib', 'node_modules')
    expect(await readdir(modules)).toContain('switchyard-test-lib')
    expect(await readdir(modules)).not.toContain('@switchyard')
  }, 60_000)

  it('takes the token from an npmrc file and fails without one', async () => {
    const withNpmrc = await setup({ token: null })
    const marketplace = new Marketplace({
      config: { registry: registry.url, install_dir: 'plugins' },
      hostVersion: '0.1.0',
      cwd: withNpmrc.cwd,
      npmrcFiles: [registry.npmrc],
    })
    await expect(marketplace.install({ name: 'switchyard-demo', version: '1.0.0' })).resolves.toMatchObject({
      version: '1.0.0',
    })
    const anonymous = await setup({ token: null })
    await expect(anonymous.marketplace.install({ name: 'switchyard-demo' })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
    })
    // Verdaccio answers an anonymous search with the packages anonymous users may read: none here
    expect(await anonymous.marketplace.catalog()).toEqual({ plugins: [], problems: [] })
  })

  it('rejects hostile or broken packages with nothing changed on disk', async () => {
    const { marketplace, cwd } = await setup()
    const host = fakeHost({ setupInVerify: true })
    await marketplace.install({ name: '@acme/switchyard-scoped' }, host.hooks)
    const before = await snapshotTree(cwd)
    const cases = [
      [{ name: 'switchyard-does-not-exist' }, 'E_NOT_FOUND'],
      [{ name: 'switchyard-demo', version: '^7.0.0' }, 'E_NOT_FOUND'],
      [{ name: 'switchyard-tampered' }, 'E_INTEGRITY'],
      [{ name: 'switchyard-no-manifest' }, 'E_NOT_A_PLUGIN'],
      [{ name: 'switchyard-future' }, 'E_INCOMPATIBLE'],
      [{ name: 'switchyard-demo', version: '2.0.0' }, 'E_PLUGIN_VERIFY'],
    ] as const
    for (const [request, code] of cases) {
      await expect(
        marketplace.install(request, host.hooks),
        `${request.name} -> ${code}`,
      ).rejects.toMatchObject({ code })
      expect(await snapshotTree(cwd)).toEqual(before)
    }
    expect([...host.running.keys()]).toEqual(['@acme/switchyard-scoped'])
  })
})

describe('install progress', () => {
  const recorder = () => {
    const events: InstallProgress[] = []
    const steps = () => events.filter((e) => e.status !== 'progress').map((e) => `${e.step} ${e.status}`)
    return { events, steps, onProgress: (event: InstallProgress) => events.push(event) }
  }

  it('reports every step of an install in order, the download with its bytes', async () => {
    const { marketplace } = await setup()
    const progress = recorder()
    await marketplace.install({ name: 'switchyard-needs-lib' }, fakeHost().hooks, progress)
    expect(progress.steps()).toEqual(
      ['resolve', 'download', 'verify', 'extract', 'dependencies', 'load', 'swap'].flatMap((step) => [
        `${step} started`,
        `${step} done`,
      ]),
    )
    const done = (step: string) => progress.events.find((e) => e.step === step && e.status === 'done')
    expect(done('resolve')?.detail).toBe(`switchyard-needs-lib@1.0.0 from ${registry.url}`)
    const received = progress.events.filter((e) => e.status === 'progress').map((e) => e.bytes)
    expect(received.length).toBeGreaterThan(0)
    expect(done('download')?.detail).toBe(`${received.at(-1)} bytes`)
    expect(done('verify')?.detail).toBe('integrity matches; unsigned')
    expect(done('extract')?.detail).toMatch(/^\d+ files of switchyard-needs-lib@1\.0\.0$/)
    // switchyard-test-lib; @switchyard/core is the host's own
    expect(done('dependencies')?.detail).toBe('1 installed with npm')
    expect(done('swap')?.detail).toBe('switchyard-needs-lib@1.0.0 in place')
  }, 60_000)

  it('reports an upgrade the same way, and one with nothing newer ends after resolve', async () => {
    const { marketplace } = await setup()
    const host = fakeHost({ replace: true })
    await marketplace.install({ name: 'switchyard-demo', version: '1.0.0' }, host.hooks)
    const upgrade = recorder()
    await marketplace.upgrade('switchyard-demo', '^1.0.0', host.hooks, upgrade)
    expect(upgrade.steps().filter((s) => s.endsWith('done'))).toEqual(
      ['resolve', 'download', 'verify', 'extract', 'dependencies', 'load', 'swap'].map((s) => `${s} done`),
    )
    const again = recorder()
    await marketplace.upgrade('switchyard-demo', '^1.0.0', host.hooks, again)
    expect(again.steps()).toEqual(['resolve started', 'resolve done'])
  })

  it('ends a failed install with the step that failed, its code and message', async () => {
    const { marketplace } = await setup()
    const host = fakeHost({ setupInVerify: true })
    const cases = [
      [{ name: 'switchyard-does-not-exist' }, 'resolve', 'E_NOT_FOUND'],
      [{ name: 'switchyard-tampered' }, 'verify', 'E_INTEGRITY'],
      [{ name: 'switchyard-future' }, 'extract', 'E_INCOMPATIBLE'],
      [{ name: 'switchyard-demo', version: '2.0.0' }, 'load', 'E_PLUGIN_VERIFY'],
    ] as const
    for (const [request, step, code] of cases) {
      const progress = recorder()
      await expect(marketplace.install(request, host.hooks, progress)).rejects.toMatchObject({ code })
      expect(progress.events.at(-1), request.name).toMatchObject({
        step,
        status: 'failed',
        error: { code, message: expect.any(String) },
      })
      expect(progress.steps().filter((s) => s.endsWith('failed'))).toEqual([`${step} failed`])
    }
  })
})
