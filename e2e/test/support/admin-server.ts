import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ServerProcess } from './server-process.js'
import { makeTempDir } from './temp-dir.js'

/** The token of the admin UI tests' server with every scope. */
export const ADMIN_TOKEN = 'admin-ui-admin-token'
/** A token of the same server that may only read. */
export const READER_TOKEN = 'admin-ui-reader-token'

const FIRST_PARTY_PLUGINS = fileURLToPath(new URL('../../../plugins', import.meta.url))
const ADMIN_FIXTURE_PLUGINS = fileURLToPath(new URL('../fixtures/admin-plugins', import.meta.url))

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
      'jwt-auth': { enabled: false },
    },
    storage: { driver: 'sqlite', path: 'data/switchyard.db' },
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
