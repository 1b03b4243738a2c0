import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
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

/** A value no file could hold by chance. */
const plaintext = () => `plain-${randomBytes(12).toString('hex')}`

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
    const first = await start({ storage })
    await putSecret(first, 'token', plaintext())
    await first.close()
    servers.splice(0)

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
