import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ServerProcess } from './server-process.js'
import { makeTempDir } from './temp-dir.js'

/** The token of the admin UI tests' server with every scope. */
export const ADMIN_TOKEN = 'admin-ui-admin-token'
/** A token of the same server that may only read. */
export const READER_TOKEN = 'admin-ui-reader-token'

const FIRST_PARTY_PLUGINS = fileURLToPath(new URL('../../../plugins', import.meta.url))
const ADMIN_FIXTURE_PLUGINS = fileURLToPath(new URL('../fixtures/admin-plugins', import.meta.url))
/** The plugin the marketplace offers through the static index. */
const INSTALLABLE = fileURLToPath(new URL('../fixtures/admin-installable/e2e-greeter', import.meta.url))

const exec = promisify(execFile)

/** A running server for the admin UI tests, and how to stop it and remove its folder. */
export interface AdminServer {
  url: string
  dir: string
  configFile: string
  process: ServerProcess
  /** Writes `text` as the configuration file (for reload tests). */
  writeConfig(text: string): Promise<void>
  close(): Promise<void>
}

/** The configuration of the admin UI tests' server, as JSON (YAML is a superset of JSON). */
export function adminServerConfig(): Record<string, unknown> {
  return {
    server: { host: '127.0.0.1', port: 0 },
    auth: {
      tokens: [
        { name: 'ui-admin', token: ADMIN_TOKEN, scopes: ['admin', 'publish', 'read'] },
        { name: 'ui-reader', token: READER_TOKEN, scopes: ['read'] },
      ],
    },
    plugin_directories: [FIRST_PARTY_PLUGINS, ADMIN_FIXTURE_PLUGINS],
    plugins: {
      'order-notifications': {
        config: { channel: 'log', fallback_handler: true, templates: { '*': 'Order {{data.orderId}}' } },
      },
      'jwt-auth': {
        enabled: false,
        config: { secret: 'an-e2e-secret-of-at-least-32-characters', audience: 'switchyard' },
      },
    },
    // A shipped order reaches the notification handler only: the fallback handler's outcome is `unrouted`.
    routes: {
      'order.status_changed': {
        key: 'data.status',
        cases: { shipped: ['order_notification_handler'], '*': ['order_fallback_handler'] },
      },
    },
    storage: { driver: 'sqlite', path: 'data/switchyard.db' },
    marketplace: { enabled: true, indexes: ['index.json'], install_dir: '.switchyard/plugins' },
    delivery: {
      timeout_ms: 2000,
      retry: { attempts: 2, initial_ms: 10, max_ms: 50, factor: 2, jitter: false },
    },
  }
}

/**
 * Starts a `switchyard start` process for the admin UI tests: the SQLite store, the first-party plugins and the
 * failing fixture plugin, an admin token and a read-only one. One per test file (starting one takes seconds).
 *
 * @example
 * ```ts
 * const server = await startAdminServer('sign-in')
 * await fetch(`${server.url}/admin/`)
 * await server.close()
 * ```
 */
export async function startAdminServer(label: string): Promise<AdminServer> {
  const dir = await makeTempDir(`admin-${label}`)
  const configFile = join(dir.path, 'switchyard.yaml')
  const writeConfig = (text: string) => writeFile(configFile, text)
  await writeConfig(JSON.stringify(adminServerConfig(), null, 2))
  await writeIndex(dir.path)
  const logDir = join(dir.path, 'handled')
  await mkdir(logDir)
  const process = await ServerProcess.start({ configFile, cwd: dir.path, logDir }).catch(async (error) => {
    await dir.remove()
    throw error
  })
  return {
    url: process.url,
    dir: dir.path,
    configFile,
    process,
    writeConfig,
    async close() {
      await process.stop()
      await dir.remove()
    },
  }
}

/**
 * Packs the installable fixture as an npm tarball in `dir` and lists it in `dir/index.json` with its sha256, and
 * once more as `e2e-broken` with a wrong sha256.
 */
async function writeIndex(dir: string): Promise<void> {
  await cp(INSTALLABLE, join(dir, 'pack/package'), { recursive: true })
  await exec('tar', ['-czf', join(dir, 'e2e-greeter-1.0.0.tgz'), '-C', join(dir, 'pack'), 'package'])
  const checksum = createHash('sha256')
    .update(await readFile(join(dir, 'e2e-greeter-1.0.0.tgz')))
    .digest('hex')
  const entry = {
    name: 'e2e-greeter',
    version: '1.0.0',
    description: 'Fixture plugin the admin UI tests install from a static index',
    download_url: 'e2e-greeter-1.0.0.tgz',
    checksum_sha256: checksum,
  }
  // The same archive under another name with a wrong sha256: an install that fails with E_INTEGRITY.
  const broken = { ...entry, name: 'e2e-broken', checksum_sha256: '0'.repeat(64) }
  await writeFile(join(dir, 'index.json'), JSON.stringify({ plugins: [entry, broken] }))
}
