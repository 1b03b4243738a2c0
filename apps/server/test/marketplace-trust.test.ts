import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type FileServer,
  type SigningRegistry,
  serveFiles,
  startSigningRegistry,
  writeTar,
} from '@switchyard/marketplace/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MarketplaceApp, startMarketplaceApp } from './support/marketplace-app.js'
import { runCli } from './support/run-cli.js'
import { startTestServer, TOKENS, testConfig } from './support/test-server.js'

/** A real plugin as `npm pack` makes it: `package/package.json` and `package/index.js`, serving `/version`. */
function pack(pkg: string, plugin: string, version: string, note = ''): Buffer {
  const json = {
    name: pkg,
    version,
    type: 'module',
    keywords: ['switchyard-plugin'],
    eventPlugin: './index.js',
  }
  const code = `// ${note}
export default {
  name: '${plugin}',
  version: '${version}',
  permissions: ['http:routes'],
  setup(ctx) {
    ctx.routes.get('/version', (c) => c.json({ version: '${version}' }))
  },
}
`
  return writeTar([
    { path: 'package/package.json', data: JSON.stringify(json, null, 2) },
    { path: 'package/index.js', data: code },
  ])
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const URL_PKG = 'switchyard-plugin-signed-url'
const INDEX_PKG = 'switchyard-plugin-signed-index'
const REGISTRY_PKG = 'switchyard-plugin-signed-registry'
const archives = {
  url: pack(URL_PKG, 'signed-url', '1.0.0'),
  tampered: pack(URL_PKG, 'signed-url', '1.0.0', 'one more line'),
  index1: pack(INDEX_PKG, 'signed-index', '1.0.0'),
  index2: pack(INDEX_PKG, 'signed-index', '2.0.0'),
}

interface Key {
  key_id: string
  public_key: string
  private_key_file: string
}
type Signature = { key_id: string; signature: string }

let dir: string
let keys: Record<'acme' | 'other' | 'stranger', Key>
let files: FileServer
let elsewhere: Server
let elsewhereHits = 0
let registry: SigningRegistry
let app: MarketplaceApp
const signed: Record<string, Signature> = {}

async function cli(args: string[]): Promise<unknown> {
  const run = await runCli(args, {
    SWITCHYARD_TOKEN: TOKENS.admin,
    ...(app ? { SWITCHYARD_URL: app.t.url } : {}),
  })
  if (run.code !== 0) throw new Error(`switchyard ${args.join(' ')} exited ${run.code}: ${run.stderr}`)
  return JSON.parse(run.stdout)
}

async function sign(name: keyof typeof archives, key: keyof typeof keys): Promise<Signature> {
  const file = join(dir, `${name}.tgz`)
  await writeFile(file, archives[name])
  return (await cli(['plugins', 'sign', file, '--key', keys[key].private_key_file])) as Signature
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-trust-'))
  const generate = async (name: string) =>
    (await cli(['keys', 'generate', '--name', name, '--dir', join(dir, 'keys')])) as Key
  keys = {
    acme: await generate('acme'),
    other: await generate('other'),
    stranger: await generate('stranger'),
  }
  signed.url = await sign('url', 'acme')
  signed.strangerUrl = await sign('url', 'stranger')
  signed.index1 = await sign('index1', 'acme')
  signed.index2 = await sign('index2', 'other')
  const entry = (version: string, bytes: Buffer, signature: Signature) => ({
    name: INDEX_PKG,
    version,
    download_url: `index-${version}.tgz`,
    checksum_sha256: sha256(bytes),
    ...signature,
  })
  files = await serveFiles({
    '/url.tgz': archives.url,
    '/tampered.tgz': archives.tampered,
    '/index-1.0.0.tgz': archives.index1,
    '/index-2.0.0.tgz': archives.index2,
    '/index.json': JSON.stringify([
      entry('1.0.0', archives.index1, signed.index1!),
      entry('2.0.0', archives.index2, signed.index2!),
    ]),
  })
  elsewhere = createServer((_, res) => {
    elsewhereHits++
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve))
  registry = await startSigningRegistry()
  await registry.publish(pack(REGISTRY_PKG, 'signed-registry', '1.0.0'))
  app = await startMarketplaceApp({
    registry: registry.url,
    indexes: [files.url('/index.json')],
    allowed_sources: [registry.url, files.url('/')],
    require_signature: true,
    trusted_keys: [
      { key_id: keys.acme.key_id, public_key: keys.acme.public_key },
      { key_id: keys.other.key_id, public_key: keys.other.public_key },
      { key_id: registry.keyId, public_key: registry.publicKeyPem },
    ],
  })
}, 120_000)

afterAll(async () => {
  await app?.close()
  await files?.close()
  await registry?.close()
  await new Promise((resolve) => elsewhere?.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

const install = (body: unknown) => app.call('POST', '/api/v1/plugins/install', body)
const pluginList = async () =>
  (await app.call('GET', '/api/v1/events/plugins', undefined, 'read')).body.plugins as Record<
    string,
    unknown
  >[]

describe('signed plugins on a running server', { timeout: 60_000 }, () => {
  it('makes keys with a private key of mode 0600 and signs archives from the CLI', async () => {
    expect((await stat(keys.acme.private_key_file)).mode & 0o777).toBe(0o600)
    expect(keys.acme.key_id).toMatch(/^acme:SHA256:/)
    expect(signed.url).toEqual({
      key_id: keys.acme.key_id,
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
    })
  })

  it('refuses unsigned, unknown-key and tampered archives with E_SIGNATURE, installing nothing', async () => {
    const before = await app.snapshot()
    const cases = [
      [{ download_url: files.url('/url.tgz') }, 'E_SIGNATURE', 'not signed'],
      [
        { download_url: files.url('/url.tgz'), ...signed.strangerUrl },
        'E_SIGNATURE',
        'not in marketplace.trusted_keys',
      ],
      [
        { download_url: files.url('/tampered.tgz'), ...signed.url },
        'E_SIGNATURE',
        'does not match the archive',
      ],
      [
        { download_url: files.url('/tampered.tgz'), checksum_sha256: sha256(archives.url), ...signed.url },
        'E_INTEGRITY',
        'integrity mismatch',
      ],
    ] as const
    for (const [body, code, message] of cases) {
      const answer = await install(body)
      expect(answer, JSON.stringify(body)).toMatchObject({
        status: 422,
        body: { error: { code, message: expect.stringContaining(message) } },
      })
      expect(await app.snapshot()).toEqual(before)
    }
    expect((await pluginList()).map((plugin) => plugin.name)).not.toContain('signed-url')
  })

  it('installs a signed archive from the CLI and shows its signer in the list, the status, the catalog and the lock', async () => {
    const installed = await cli([
      'plugins',
      'install',
      '--json',
      '--download-url',
      files.url('/url.tgz'),
      '--signature',
      signed.url!.signature,
      '--key-id',
      signed.url!.key_id,
    ])
    expect(installed).toMatchObject({ name: URL_PKG, signer: keys.acme.key_id })
    expect((await pluginList()).find((plugin) => plugin.name === 'signed-url')).toMatchObject({
      state: 'started',
      signer: keys.acme.key_id,
    })
    const status = (await app.call('GET', '/plugins/status', undefined, 'read')).body.plugins as Record<
      string,
      unknown
    >[]
    expect(status.find((plugin) => plugin.name === 'signed-url')?.signer).toBe(keys.acme.key_id)
    expect((await app.lock())[URL_PKG]).toMatchObject({ signer: keys.acme.key_id })
    expect((await app.call('GET', '/plugins/signed-url/version', undefined, 'read')).body).toEqual({
      version: '1.0.0',
    })
  })

  it('installs from the signing registry, checking its dist.signatures against the pinned key', async () => {
    const answer = await install({ name: REGISTRY_PKG })
    expect(answer).toMatchObject({ status: 201, body: { signer: registry.keyId } })
    const catalog = (await app.call('GET', '/api/v1/plugins/marketplace', undefined, 'read')).body
    expect((catalog.plugins as Record<string, unknown>[]).find((p) => p.name === REGISTRY_PKG)).toMatchObject(
      {
        installedSigner: registry.keyId,
      },
    )
  })

  it('refuses an upgrade signed by another key than the installed version unless forced', async () => {
    expect(await install({ name: INDEX_PKG, version: '1.0.0' })).toMatchObject({
      status: 201,
      body: { signer: keys.acme.key_id },
    })
    const refused = await app.call('POST', '/api/v1/plugins/upgrade', { name: INDEX_PKG })
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'E_SIGNATURE' } } })
    expect(refused.body.error).toMatchObject({ message: expect.stringContaining(keys.other.key_id) })
    expect((await app.call('GET', '/plugins/signed-index/version', undefined, 'read')).body).toEqual({
      version: '1.0.0',
    })
    expect(await cli(['plugins', 'upgrade', INDEX_PKG, '--force', '--json'])).toMatchObject({
      changed: true,
      plugin: { version: '2.0.0', signer: keys.other.key_id },
    })
    expect((await app.call('GET', '/plugins/signed-index/version', undefined, 'read')).body).toEqual({
      version: '2.0.0',
    })
  })

  it('refuses a source missing from allowed_sources before downloading anything', async () => {
    const port = (elsewhere.address() as AddressInfo).port
    const answer = await install({ download_url: `http://127.0.0.1:${port}/url.tgz`, ...signed.url })
    expect(answer).toMatchObject({ status: 403, body: { error: { code: 'E_SOURCE_NOT_ALLOWED' } } })
    expect(elsewhereHits).toBe(0)
  })
})

describe('trust settings that are not valid', { timeout: 30_000 }, () => {
  const startWith = async (marketplace: Record<string, unknown>) => {
    const error = await startTestServer(testConfig({ marketplace })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    return (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message
  }

  it('stops the start at a trusted key that is not an Ed25519 or P-256 key, naming the file and line', async () => {
    const message = await startWith({ trusted_keys: [{ key_id: keys.acme.key_id, public_key: 'not a key' }] })
    expect(message).toMatch(
      /switchyard\.yaml:\d+:\d+: marketplace\.trusted_keys\.0\.public_key: expected an Ed25519/,
    )
  })

  it('stops the start at a key id that is malformed or not the key', async () => {
    const malformed = await startWith({
      trusted_keys: [{ key_id: 'acme', public_key: keys.acme.public_key }],
    })
    expect(malformed).toMatch(
      /switchyard\.yaml:\d+:\d+: marketplace\.trusted_keys\.0\.key_id: expected a key id/,
    )
    const swapped = await startWith({
      trusted_keys: [{ key_id: keys.acme.key_id, public_key: keys.other.public_key }],
    })
    expect(swapped).toMatch(/marketplace\.trusted_keys\.0\.key_id: expected a key id whose fingerprint/)
  })

  it('stops the start at an allowed_sources entry that is not a URL', async () => {
    const message = await startWith({ allowed_sources: ['registry', 'plugins.example.com'] })
    expect(message).toMatch(
      /switchyard\.yaml:\d+:\d+: marketplace\.allowed_sources\.1: expected registry, index, url or an absolute/,
    )
  })

  it('refuses a malformed signature or key id in an install body with 400', async () => {
    const bad = await install({
      download_url: files.url('/url.tgz'),
      signature: 'abc',
      key_id: keys.acme.key_id,
    })
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'E_VALIDATION' } } })
    const lone = await install({ download_url: files.url('/url.tgz'), signature: signed.url!.signature })
    expect(lone).toMatchObject({ status: 400, body: { error: { code: 'E_VALIDATION' } } })
    const file = await readFile(keys.acme.private_key_file, 'utf8')
    expect(file.startsWith(`key_id: ${keys.acme.key_id}\n-----BEGIN PRIVATE KEY-----`)).toBe(true)
  })
})
