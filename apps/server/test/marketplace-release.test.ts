import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startTestRegistry, type TestRegistry } from '@switchyard/marketplace/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MarketplaceApp, startMarketplaceApp } from './support/marketplace-app.js'

const exec = promisify(execFile)
const REPOSITORY = fileURLToPath(new URL('../../..', import.meta.url))
const NOTIFICATIONS = '@switchyard/plugin-order-notifications'

interface Manifest {
  name: string
  version: string
  private?: boolean
  dependencies?: Record<string, string>
}

let registry: TestRegistry
let app: MarketplaceApp
let publicPackages: Manifest[]

beforeAll(async () => {
  registry = await startTestRegistry()
  // The plugins' third-party dependencies, from the workspace's installed copies: no uplink to the public registry.
  await registry.publishInstalled(['valibot', 'hono'], join(REPOSITORY, 'plugins', 'webhooks'))
  await registry.publishInstalled(['uuid'], join(REPOSITORY, 'packages', 'core'))
  // and the installed plugin's own (nodemailer for its email channel), read from its manifest so a new one is not missed
  const notificationsDir = join(REPOSITORY, 'plugins', 'order-notifications')
  const notifications = JSON.parse(await readFile(join(notificationsDir, 'package.json'), 'utf8')) as Manifest
  const thirdParty = Object.keys(notifications.dependencies ?? {}).filter(
    (name) => !name.startsWith('@switchyard/'),
  )
  await registry.publishInstalled(thirdParty, notificationsDir)
  // `pnpm release` is `turbo run build && changeset publish`: the packages are built, this is its second half.
  await exec('pnpm', ['exec', 'changeset', 'publish', '--no-git-tag'], {
    cwd: REPOSITORY,
    env: { ...process.env, npm_config_registry: registry.url, npm_config_userconfig: registry.npmrc },
    maxBuffer: 16 << 20,
  })
  publicPackages = []
  for (const group of ['packages', 'apps', 'plugins'])
    for (const dir of await readdir(join(REPOSITORY, group))) {
      const text = await readFile(join(REPOSITORY, group, dir, 'package.json'), 'utf8').catch(() => null)
      const manifest = text === null ? null : (JSON.parse(text) as Manifest)
      if (manifest && !manifest.private) publicPackages.push(manifest)
    }
  app = await startMarketplaceApp({ registry: registry.url, token: registry.token })
}, 180_000)

afterAll(async () => {
  await app?.close()
  await registry?.close()
})

// Installs run npm against the loopback registry: seconds each, more on a loaded machine.
describe('marketplace after `changeset publish` to a real registry', { timeout: 60_000 }, () => {
  it('finds every public workspace package published at its version, with no workspace: range', async () => {
    expect(publicPackages.length).toBeGreaterThanOrEqual(12)
    for (const local of publicPackages) {
      const res = await fetch(`${registry.url}${local.name.replace('/', '%2f')}`)
      expect(res.status, local.name).toBe(200)
      const packument = (await res.json()) as { versions: Record<string, Manifest> }
      const published = packument.versions[local.version]
      expect(published, `${local.name}@${local.version}`).toBeDefined()
      expect(JSON.stringify(published?.dependencies ?? {})).not.toContain('workspace:')
    }
  })

  it('installs a first-party plugin with its own libraries, not the host packages; its handler receives events', async () => {
    const installed = await app.call('POST', '/api/v1/plugins/install', { name: NOTIFICATIONS })
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    // valibot is installed beside it; the SDK and core it imports are the host's own copies, never duplicated
    const modules = await readdir(join(app.installDir, NOTIFICATIONS, 'node_modules'))
    expect(modules).toContain('valibot')
    expect(modules).not.toContain('@switchyard')
    const event = { type: 'order.status_changed', data: { orderId: 'o-1', status: 'shipped' } }
    const outcome = await app.deliver(event, 'order_notification_handler')
    expect(outcome).toMatchObject({ status: 'succeeded' })
  })
})
