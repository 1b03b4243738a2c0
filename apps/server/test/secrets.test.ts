import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support/run-cli.js'
import { startServerProcess } from './support/server-process.js'
import { NATS_URL, natsReachable, TestNats } from './support/test-nats.js'
import { startTestServer, type TestServer, testConfig } from './support/test-server.js'

const SECRET_PLUGINS = fileURLToPath(new URL('./fixtures/secrets', import.meta.url))
const up = await natsReachable()
const HOOK_MS = 30_000

let dir: string
const servers: TestServer[] = []
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-secrets-'))
})
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
  delete process.env.SWITCHYARD_SECRET_KEY
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A server with the vault-user fixture plugin on `overrides` (the storage, say). */
async function start(overrides: Record<string, unknown>): Promise<TestServer> {
  const server = await startTestServer(testConfig({ plugin_directories: [SECRET_PLUGINS], ...overrides }))
  servers.push(server)
  return server
}

const putSecret = (t: TestServer, name: string, value: string) =>
  t.request(`/plugins/vault-user/secrets/${name}`, { method: 'PUT', body: value })
const getSecret = async (t: TestServer, name: string) => {
  const res = await t.request(`/plugins/vault-user/secrets/${name}`)
  return res.status === 200 ? res.text() : undefined
}

/** The same configuration as `start(overrides)`, as a file for the CLI (a test server's own goes with it). */
async function configFileFor(name: string, overrides: Record<string, unknown>): Promise<string> {
  const file = join(dir, `${name}.json`)
  await writeFile(file, JSON.stringify(testConfig({ plugin_directories: [SECRET_PLUGINS], ...overrides })))
  return file
}

/** A value no file could hold by chance. */
const plaintext = () => `plain-${randomBytes(12).toString('hex')}`

/** Starts a server on `storage`, keeps a new secret `name` through the fixture plugin, stops; resolves to it. */
async function storedThenStopped(storage: object, name: string): Promise<string> {
  const value = plaintext()
  const server = await start({ storage })
  expect((await putSecret(server, name, value)).status).toBe(204)
  await server.close()
  servers.splice(servers.indexOf(server), 1)
  return value
}

describe('ctx.secrets on the SQLite store', () => {
  it('keeps values encrypted in the database file and its WAL, and reads them back after a restart', async () => {
    const data = join(dir, 'sqlite-a')
    const storage = { driver: 'sqlite', path: join(data, 'switchyard.db') }
    const value = plaintext()
    const first = await start({ storage })
    expect((await putSecret(first, 'api-key', value)).status).toBe(204)
    expect(await getSecret(first, 'api-key')).toBe(value)

    // Read while the server runs: the write is in the WAL, not yet checkpointed into the file.
    const bytes = Buffer.concat([
      await readFile(storage.path),
      await readFile(`${storage.path}-wal`).catch(() => Buffer.alloc(0)),
    ])
    expect(bytes.includes('A256GCM')).toBe(true)
    expect(bytes.includes(value)).toBe(false)
    expect(bytes.includes(Buffer.from(value).toString('base64'))).toBe(false)

    // The generated key sits beside the database, readable by its owner only.
    const keyFile = join(data, 'secret.key')
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
    expect(Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'base64')).toHaveLength(32)

    await first.close()
    servers.splice(0)
    const second = await start({ storage })
    expect(await getSecret(second, 'api-key')).toBe(value)
    expect(
      await (await second.request('/plugins/vault-user/secrets/api-key', { method: 'DELETE' })).json(),
    ).toEqual({ deleted: true })
    expect(await getSecret(second, 'api-key')).toBeUndefined()
  }, 30_000)

  it('refuses to start with another key than the one the secrets were stored under (E_SECRET_KEY)', async () => {
    const storage = { driver: 'sqlite', path: join(dir, 'sqlite-b', 'switchyard.db') }
    process.env.SWITCHYARD_SECRET_KEY = randomBytes(32).toString('base64')
    await storedThenStopped(storage, 'token')

    process.env.SWITCHYARD_SECRET_KEY = randomBytes(32).toString('base64')
    await expect(start({ storage })).rejects.toThrow(
      /E_SECRET_KEY|is not the key the stored plugin secrets were encrypted with/,
    )
  }, 30_000)

  it.each([
    ['not base64', 'this is not base64!', /got text that is not base64/],
    ['16 bytes', randomBytes(16).toString('base64'), /got 16 bytes/],
  ])('refuses a malformed SWITCHYARD_SECRET_KEY (%s) at start', async (_, key, reason) => {
    process.env.SWITCHYARD_SECRET_KEY = key
    const error = await start({ storage: { driver: 'memory' } }).catch((failure: Error) => failure)
    expect((error as Error).message).toMatch(/SWITCHYARD_SECRET_KEY: expected the base64 of 32 random bytes/)
    expect((error as Error).message).toMatch(reason)
    expect(((error as Error).cause as { code?: string }).code).toBe('E_SECRET_KEY')
  })
})

describe('switchyard secrets rotate-key', () => {
  it('re-encrypts every secret under a new key file; the server reads them with it and refuses the old key', async () => {
    const data = join(dir, 'rotate-file')
    const storage = { driver: 'sqlite', path: join(data, 'switchyard.db') }
    const value = await storedThenStopped(storage, 'api-key')
    const keyFile = join(data, 'secret.key')
    const oldKey = (await readFile(keyFile, 'utf8')).trim()

    const run = await runCli(
      ['secrets', 'rotate-key', '--config', await configFileFor('rotate-file', { storage })],
      {},
      dir,
    )
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/re-encrypted 1 secrets from key \w{16} to key \w{16}/)
    const newKey = (await readFile(keyFile, 'utf8')).trim()
    expect(newKey).not.toBe(oldKey)
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
    await expect(stat(`${keyFile}.next`)).rejects.toThrow(/ENOENT/)

    const second = await start({ storage })
    expect(await getSecret(second, 'api-key')).toBe(value)
    await second.close()
    servers.splice(0)
    process.env.SWITCHYARD_SECRET_KEY = oldKey
    await expect(start({ storage })).rejects.toThrow(
      /is not the key the stored plugin secrets were encrypted with/,
    )
  }, 60_000)

  it('moves from one SWITCHYARD_SECRET_KEY to SWITCHYARD_NEW_SECRET_KEY', async () => {
    const storage = { driver: 'sqlite', path: join(dir, 'rotate-env', 'switchyard.db') }
    const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')]
    process.env.SWITCHYARD_SECRET_KEY = oldKey
    const value = await storedThenStopped(storage, 'token')

    const env = { SWITCHYARD_SECRET_KEY: oldKey, SWITCHYARD_NEW_SECRET_KEY: newKey }
    const configFile = await configFileFor('rotate-env', { storage })
    const run = await runCli(['secrets', 'rotate-key', '--config', configFile], env, dir)
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe('')
    process.env.SWITCHYARD_SECRET_KEY = newKey
    expect(await getSecret(await start({ storage }), 'token')).toBe(value)
  }, 60_000)
})

describe('secret() config fields', () => {
  const token = `tok_${randomBytes(12).toString('hex')}`
  const plugins = { 'vault-user': { config: { api_token: token, region: 'us' } } }

  it('are redacted in the plugin list, /plugins/status, the effective config and the reload answer', async () => {
    const t = await start({ plugins })
    for (const path of [
      '/api/v1/events/plugins',
      '/plugins/status',
      '/api/v1/events/plugins/vault-user/config',
      '/api/v1/events/plugins/vault-user/config-schema',
    ]) {
      const text = await (await t.request(path)).text()
      expect(text, path).not.toContain(token)
    }
    const effective = await (await t.request('/api/v1/events/plugins/vault-user/config')).json()
    expect(effective).toEqual({ plugin: 'vault-user', config: { api_token: '[redacted]', region: 'us' } })
    const reload = await t.request('/api/v1/events/reload-config', { method: 'POST' })
    expect(await reload.text()).not.toContain(token)
  })

  it('are never quoted in a config error', async () => {
    const t = await start({ plugins: { 'vault-user': { config: { api_token: 'wrong-secret-value' } } } })
    const status = await (await t.request('/plugins/status')).text()
    expect(status).toContain('expected a token starting with tok_, got [redacted]')
    expect(status).not.toContain('wrong-secret-value')
  })

  it('are scrubbed from every log line of a real server process, the plugin’s own included', async () => {
    const configFile = join(dir, 'redaction.json')
    await writeFile(configFile, JSON.stringify(testConfig({ plugin_directories: [SECRET_PLUGINS], plugins })))
    const server = await startServerProcess(configFile)
    try {
      const res = await fetch(`${server.url}/plugins/status`, {
        headers: { authorization: 'Bearer admin-token-1234' },
      })
      expect(res.status).toBe(200)
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
    }
    const output = server.output()
    expect(output).toContain('vault-user uses [redacted]')
    expect(output).not.toContain(token)
  }, 30_000)
})

describe.skipIf(!up)('ctx.secrets on the NATS store', () => {
  const stream = TestNats.streamName()
  let nats: TestNats | undefined
  beforeAll(async () => {
    nats = await TestNats.connect()
  }, HOOK_MS)
  afterAll(async () => {
    await nats?.removeRun(stream)
    await nats?.close()
  }, HOOK_MS)

  it('keeps only envelopes in the NATS KV stream, every message read raw', async () => {
    process.env.SWITCHYARD_SECRET_KEY = randomBytes(32).toString('base64')
    const t = await start({ transport: { driver: 'nats', servers: [NATS_URL], stream } })
    const value = plaintext()
    expect((await putSecret(t, 'api-key', value)).status).toBe(204)
    expect(await getSecret(t, 'api-key')).toBe(value)

    const nc = await connect({ servers: NATS_URL })
    try {
      const jsm = await jetstreamManager(nc)
      const kvStream = `KV_${stream.toLowerCase()}_kv`
      const { state } = await jsm.streams.info(kvStream)
      const raw: Buffer[] = []
      for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(kvStream, { seq }).catch(() => undefined)
        if (message) raw.push(Buffer.from(message.data))
      }
      const bytes = Buffer.concat(raw)
      expect(bytes.includes('A256GCM')).toBe(true)
      expect(bytes.includes(value)).toBe(false)
    } finally {
      await nc.close()
    }
  }, 30_000)
})
