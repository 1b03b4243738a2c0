import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Marketplace } from './marketplace.js'
import { startTestRegistry, type TestRegistry } from './testing/start-test-registry.js'

const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const firstParty = ['audit-log', 'order-notifications']
let registry: TestRegistry
let cwd: string

beforeAll(async () => {
  registry = await startTestRegistry()
  for (const name of firstParty) await registry.publishDir(join(repository, 'plugins', name))
  // The plugins' third-party dependency, from the workspace's installed copy: no uplink to the public registry.
  await registry.publishInstalled(['valibot'], join(repository, 'plugins', 'audit-log'))
  cwd = await mkdtemp(join(tmpdir(), 'switchyard-first-party-'))
}, 120_000)

afterAll(async () => {
  await registry?.close()
  if (cwd) await rm(cwd, { recursive: true, force: true })
})

describe('Marketplace with the first-party plugins published by the release flow', () => {
  it('lists them and installs one with its dependencies, the host packages left to the host', async () => {
    const config = { enabled: true, registry: registry.url, token: registry.token }
    const staged: string[] = []
    const marketplace = new Marketplace({
      config,
      hostVersion: '0.1.0',
      cwd,
      npmrcFiles: [],
      hooks: {
        async verify(plugin) {
          await access(plugin.entry)
          staged.push(plugin.dir)
        },
      },
    })
    const { plugins } = await marketplace.catalog()
    const names = plugins.map((plugin) => plugin.name)
    expect(names).toEqual(expect.arrayContaining(firstParty.map((name) => `@switchyard/plugin-${name}`)))
    expect(plugins.find((p) => p.name === '@switchyard/plugin-audit-log')).toMatchObject({
      hostRange: '^0.1.0',
      compatibility: 'compatible',
    })

    const installed = await marketplace.install({ name: '@switchyard/plugin-audit-log' })
    expect(installed.dir).toBe(join(cwd, '.switchyard', 'plugins', '@switchyard', 'plugin-audit-log'))
    expect(staged[0]).not.toBe(installed.dir)
    const manifest = JSON.parse(await readFile(join(installed.dir, 'package.json'), 'utf8'))
    expect(manifest.dependencies['@switchyard/plugin-sdk']).toBe('^0.1.0')
    const modules = await readdir(join(installed.dir, 'node_modules'))
    expect(modules).toContain('valibot')
    expect(modules).not.toContain('@switchyard')
    await access(join(installed.dir, 'dist', 'index.js'))
  }, 120_000)
})
