import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The bearer token every generated configuration accepts, with all scopes. */
export const E2E_TOKEN = 'e2e-admin-token'

/** The folder of fixture plugin packages the servers load (the recorder). */
export const FIXTURE_PLUGINS = fileURLToPath(new URL('../fixtures/plugins', import.meta.url))

/** The parts of the configuration a test chooses; the rest is fixed for every e2e server. */
export interface ServerConfigParts {
  storage?: { driver: 'sqlite'; path: string } | { driver: 'memory' }
  transport?: { driver: 'nats'; servers: string[]; stream: string }
}

/**
 * Writes a configuration file into `dir` and returns its path: port 0, the e2e token, the fixture plugins,
 * short handler timeouts, plus `parts`. YAML is a superset of JSON, so the file is JSON.
 *
 * @example
 * ```ts
 * const file = await writeServerConfig(dir, { storage: { driver: 'sqlite', path: 'data/switchyard.db' } })
 * ```
 */
export async function writeServerConfig(dir: string, parts: ServerConfigParts = {}): Promise<string> {
  const config = {
    server: { host: '127.0.0.1', port: 0 },
    auth: { tokens: [{ name: 'e2e', token: E2E_TOKEN, scopes: ['admin', 'publish', 'read'] }] },
    plugin_directories: [FIXTURE_PLUGINS],
    delivery: { timeout_ms: 2000 },
    ...parts,
  }
  const file = join(dir, 'switchyard.yaml')
  await writeFile(file, JSON.stringify(config, null, 2))
  return file
}
