import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestRegistry } from '@switchyard/marketplace/testing'
import { snapshotTree } from '@switchyard/marketplace/testing'
import { startTestServer, type TestServer, testConfig, waitFor } from './test-server.js'

/** The fixture plugin packages of the marketplace tests. */
export const MARKETPLACE_FIXTURES = fileURLToPath(new URL('../fixtures/marketplace', import.meta.url))

/** The `@switchyard/*` packages this server runs on: what an app's node_modules gives installed plugins. */
const SERVER_PACKAGES = fileURLToPath(new URL('../../node_modules/@switchyard', import.meta.url))

/** A server whose marketplace installs into a throwaway app folder. */
export interface MarketplaceApp {
  t: TestServer
  /** The app folder: `node_modules/@switchyard` and the install directory `.switchyard/plugins`. */
  dir: string
  installDir: string
  /** The marketplace section the server started with. */
  marketplace: Record<string, unknown>
  /** JSON request as admin (or `as`), the body serialised. */
  call(
    method: string,
    path: string,
    body?: unknown,
    as?: 'admin' | 'publish' | 'read',
  ): Promise<{ status: number; body: Record<string, unknown> }>
  /** Publishes `{ type, data }` over the API and waits until `handler`'s ledger entry is final; returns it. */
  deliver(event: { type: string; data?: unknown }, handler: string): Promise<Record<string, unknown>>
  /** Every file of the app folder with its digest (install directory, lockfile, staging leftovers). */
  snapshot(): Promise<Record<string, string>>
  /** The lockfile's plugins by name, `{}` when there is none. */
  lock(): Promise<Record<string, { version: string }>>
  /**
   * Rewrites the config file with `changes` merged into the marketplace section (and `overrides` replacing
   * top-level keys), then calls `POST /api/v1/events/reload-config`.
   */
  reconfigure(
    changes: Record<string, unknown>,
    overrides?: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }>
  /** Name, state and version of every plugin of the host. */
  plugins(): Promise<{ name: string; state: string; version?: string }[]>
  close(): Promise<void>
}

/**
 * Starts a real server (memory store, no plugin directories) whose marketplace is enabled with `marketplace`
 * and installs into a temporary app folder. Installed plugins resolve `@switchyard/*` from that folder's
 * node_modules, as in an app that depends on `@switchyard/server`. `base` adds top-level config keys (such as
 * `plugins`) that every `reconfigure` keeps.
 *
 * @example
 * ```ts
 * const app = await startMarketplaceApp({ registry: registry.url, token: registry.token })
 * await app.call('POST', '/api/v1/plugins/install', { name: 'switchyard-plugin-tally' })
 * ```
 */
export async function startMarketplaceApp(
  marketplace: Record<string, unknown>,
  base: Record<string, unknown> = {},
): Promise<MarketplaceApp> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-market-app-'))
  await mkdir(join(dir, 'node_modules'))
  await symlink(SERVER_PACKAGES, join(dir, 'node_modules', '@switchyard'))
  const installDir = join(dir, '.switchyard', 'plugins')
  const section = { enabled: true, install_dir: installDir, ...marketplace }
  const configOf = (changes: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) =>
    testConfig({ plugin_directories: [], ...base, marketplace: { ...section, ...changes }, ...overrides })
  const t = await startTestServer(configOf())
  const call: MarketplaceApp['call'] = async (method, path, body, as = 'admin') => {
    const init: RequestInit & { as: typeof as } = { method, as }
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' }
      init.body = JSON.stringify(body)
    }
    const res = await t.request(path, init)
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
  }
  return {
    t,
    dir,
    installDir,
    marketplace: section,
    call,
    async deliver(event, handler) {
      const accepted = await call('POST', '/api/v1/events', event, 'publish')
      if (accepted.status !== 202) throw new Error(`publish answered ${accepted.status}`)
      return waitFor(async () => {
        const { status, body } = await call('GET', `/api/v1/events/${accepted.body.id}/deliveries`)
        if (status !== 200) return undefined
        const entry = (body.deliveries as Record<string, unknown>[]).find((d) => d.handler === handler)
        return entry && !['pending', 'retrying'].includes(entry.status as string) ? entry : undefined
      }, 10_000)
    },
    snapshot: () => snapshotTree(dir),
    async reconfigure(changes, overrides) {
      await t.writeConfig(configOf(changes, overrides))
      return call('POST', '/api/v1/events/reload-config')
    },
    async lock() {
      const text = await readFile(join(installDir, 'switchyard-plugins.lock.json'), 'utf8').catch(() => null)
      return text === null ? {} : JSON.parse(text).plugins
    },
    async plugins() {
      const { body } = await call('GET', '/api/v1/events/plugins', undefined, 'read')
      const list = body.plugins as { name: string; state: string; version?: string }[]
      return list.map(({ name, state, version }) => ({ name, state, version }))
    },
    async close() {
      await t.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Publishes a fixture package of `MARKETPLACE_FIXTURES` as a release does (`pnpm publish`), at `version` when
 * given (the folder is copied and its package.json rewritten).
 *
 * @example
 * ```ts
 * await publishFixture(registry, 'tally', '0.1.1')
 * ```
 */
export async function publishFixture(
  registry: TestRegistry,
  fixture: string,
  version?: string,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `switchyard-fixture-${fixture}-`))
  try {
    await cp(join(MARKETPLACE_FIXTURES, fixture), dir, { recursive: true })
    if (version !== undefined) {
      const file = join(dir, 'package.json')
      const manifest = JSON.parse(await readFile(file, 'utf8'))
      await writeFile(file, JSON.stringify({ ...manifest, version }, null, 2))
    }
    await registry.publishDir(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
