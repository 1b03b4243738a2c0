import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type RunningServer, startServer } from '../../src/runtime/start-server.js'

/** The fixture plugins on disk: recorder, flaky, greeter. */
export const FIXTURE_PLUGINS = fileURLToPath(new URL('../fixtures/plugins', import.meta.url))

/** One token per scope, configured in every test server. */
export const TOKENS = {
  admin: 'admin-token-1234',
  publish: 'publish-token-1234',
  read: 'read-token-1234',
} as const

/** `auth.tokens` of every test server. */
export const TOKEN_CONFIG = [
  { name: 'admin', token: TOKENS.admin, scopes: ['admin'] },
  { name: 'producer', token: TOKENS.publish, scopes: ['publish'] },
  { name: 'reader', token: TOKENS.read, scopes: ['read'] },
]

/** The configuration every test server starts from (JSON is YAML); `overrides` replace top-level keys. */
export function testConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    server: { host: '127.0.0.1', port: 0, body_limit_bytes: 4096 },
    auth: { tokens: TOKEN_CONFIG, public_paths: ['/healthz', '/readyz'] },
    plugin_directories: [FIXTURE_PLUGINS],
    plugins: {},
    storage: { driver: 'memory' },
    delivery: {
      timeout_ms: 2000,
      retry: { attempts: 1, initial_ms: 1, max_ms: 1, factor: 1, jitter: false },
    },
    ...overrides,
  }
}

/** A server started from a real config file in a temporary folder, with helpers to call it. */
export interface TestServer {
  server: RunningServer
  url: string
  configFile: string
  /** fetch against the server with the token of `as` (default admin; null: no token). */
  request(path: string, init?: RequestInit & { as?: keyof typeof TOKENS | null }): Promise<Response>
  /** Rewrites the config file (for reload tests). */
  writeConfig(config: Record<string, unknown> | string): Promise<void>
  close(): Promise<void>
}

/**
 * Writes `config` to a temporary switchyard.yaml and starts a real server on port 0 from it.
 *
 * @example
 * ```ts
 * const t = await startTestServer(testConfig())
 * const res = await t.request('/api/v1/events/plugins')
 * await t.close()
 * ```
 */
export async function startTestServer(config: Record<string, unknown> = testConfig()): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-server-'))
  const configFile = join(dir, 'switchyard.yaml')
  const writeConfig = (value: Record<string, unknown> | string) =>
    writeFile(configFile, typeof value === 'string' ? value : JSON.stringify(value, null, 2))
  await writeConfig(config)
  const server = await startServer({ configFile, logLevel: 'silent', unownedFaults: 'ignore' })
  return {
    server,
    url: server.url,
    configFile,
    writeConfig,
    request(path, init = {}) {
      const { as = 'admin', ...rest } = init
      const headers = new Headers(rest.headers)
      if (as) headers.set('authorization', `Bearer ${TOKENS[as]}`)
      return fetch(`${server.url}${path}`, { ...rest, headers })
    },
    async close() {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Polls `check` every 20 ms until it returns a value other than undefined, failing after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
