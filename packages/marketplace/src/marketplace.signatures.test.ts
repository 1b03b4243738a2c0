import { createHash, generateKeyPairSync } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Marketplace } from './marketplace.js'
import type { MarketplaceConfigInput } from './marketplace-config.js'
import { fakeHost } from './test-support/fake-host.js'
import { packPlugin } from './testing/plugin-package.js'
import { type FileServer, serveFiles } from './testing/serve-files.js'
import { snapshotTree } from './testing/snapshot-tree.js'
import { signArchive } from './trust/sign-archive.js'
import { readSigningKey, type SigningKey, writeSigningKey } from './trust/signing-key.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const v1 = packPlugin({ name: 'signed-plugin', version: '1.0.0' })
const v2 = packPlugin({ name: 'signed-plugin', version: '2.0.0' })
const v3 = packPlugin({ name: 'signed-plugin', version: '3.0.0' })
// The same package with one byte of its code changed: what a compromised mirror would serve.
const tampered = packPlugin({ name: 'signed-plugin', version: '1.0.0', description: 'fixture signed-plugiN' })

let keys: string
let acme: SigningKey & { pem: string }
let other: SigningKey & { pem: string }
let server: FileServer
let index: Record<string, unknown>[]
const roots: string[] = []

async function makeKey(name: string) {
  const written = await writeSigningKey(keys, name)
  return { ...(await readSigningKey(written.private_key_file)), pem: written.public_key }
}

beforeAll(async () => {
  keys = await mkdtemp(join(tmpdir(), 'switchyard-keys-'))
  acme = await makeKey('acme')
  other = await makeKey('other')
  const entry = async (bytes: Buffer, version: string, key: SigningKey, file: string) => ({
    name: 'signed-plugin',
    version,
    download_url: file,
    checksum_sha256: sha256(bytes),
    ...(await signArchive(bytes, key)),
  })
  index = [await entry(v1, '1.0.0', acme, 'v1.tgz'), await entry(v2, '2.0.0', other, 'v2.tgz')]
  const unsignedIndex = [{ name: 'signed-plugin', version: '3.0.0', download_url: 'v3.tgz' }]
  server = await serveFiles({
    '/v1.tgz': v1,
    '/v2.tgz': v2,
    '/v3.tgz': v3,
    '/tampered.tgz': tampered,
    '/index.json': JSON.stringify(index),
    '/unsigned.json': JSON.stringify(unsignedIndex),
  })
})

afterAll(async () => {
  await server?.close()
  await Promise.all([keys, ...roots].map((root) => rm(root, { recursive: true, force: true })))
})

async function setup(config: MarketplaceConfigInput = {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'switchyard-marketplace-signed-'))
  roots.push(cwd)
  const full = { enabled: true, install_dir: '.switchyard/plugins', ...config }
  const marketplace = new Marketplace({ config: full, hostVersion: '0.1.0', cwd, npmrcFiles: [] })
  const lock = async () =>
    JSON.parse(await readFile(join(cwd, '.switchyard', 'plugins', 'switchyard-plugins.lock.json'), 'utf8'))
  return { cwd, marketplace, lock }
}

const trusted = (...list: (SigningKey & { pem: string })[]) =>
  list.map((key) => ({ key_id: key.keyId, public_key: key.pem }))
const byUrl = (
  path: string,
  signature: { key_id: string; signature: string } | Record<string, never> = {},
) => ({
  download_url: server.url(path),
  ...signature,
})

describe('signing keys', () => {
  it('writes the private key with mode 0600 and a key id of the name and the fingerprint', async () => {
    const mode = (await stat(join(keys, 'acme.key'))).mode & 0o777
    expect(mode).toBe(0o600)
    expect(acme.keyId).toMatch(/^acme:SHA256:[A-Za-z0-9+/]{43}$/)
    await expect(writeSigningKey(keys, 'acme')).rejects.toMatchObject({
      code: 'E_SIGNING_KEY',
      message: expect.stringContaining('already exists'),
    })
    await expect(writeSigningKey(keys, 'Bad Name')).rejects.toMatchObject({ code: 'E_SIGNING_KEY' })
  })

  it('refuses key files that are not a Switchyard Ed25519 key', async () => {
    await expect(readSigningKey(join(keys, 'acme.pub'))).rejects.toMatchObject({ code: 'E_SIGNING_KEY' })
    await expect(readSigningKey(join(keys, 'missing.key'))).rejects.toMatchObject({ code: 'E_SIGNING_KEY' })
  })
})

describe('Ed25519 signatures of direct URLs and index entries', () => {
  it('installs a signed archive with a trusted key and records the signer', async () => {
    const { marketplace, lock } = await setup({ trusted_keys: trusted(acme), require_signature: true })
    const installed = await marketplace.install(byUrl('/v1.tgz', await signArchive(v1, acme)))
    expect(installed).toMatchObject({ name: 'signed-plugin', version: '1.0.0', signer: acme.keyId })
    expect((await lock()).plugins['signed-plugin'].signer).toBe(acme.keyId)
  })

  it('with require_signature refuses unsigned archives and unknown keys, installing nothing', async () => {
    const { marketplace, cwd } = await setup({ trusted_keys: trusted(acme), require_signature: true })
    const before = await snapshotTree(cwd)
    const unsigned = await marketplace.install(byUrl('/v1.tgz')).catch((e: unknown) => e)
    expect(unsigned).toMatchObject({ code: 'E_SIGNATURE', message: expect.stringContaining('not signed') })
    const unknown = await marketplace
      .install(byUrl('/v1.tgz', await signArchive(v1, other)))
      .catch((e: unknown) => e)
    expect(unknown).toMatchObject({
      code: 'E_SIGNATURE',
      message: expect.stringContaining('not in marketplace.trusted_keys'),
    })
    expect(await snapshotTree(cwd)).toEqual(before)
  })

  it('without require_signature installs unsigned archives as unsigned but refuses a bad signature', async () => {
    const { marketplace, cwd } = await setup({ trusted_keys: trusted(acme) })
    const wrong = { ...(await signArchive(v2, acme)) }
    const before = await snapshotTree(cwd)
    await expect(marketplace.install(byUrl('/v1.tgz', wrong))).rejects.toMatchObject({
      code: 'E_SIGNATURE',
      message: expect.stringContaining('does not match the archive'),
    })
    expect(await snapshotTree(cwd)).toEqual(before)
    await expect(marketplace.install(byUrl('/v1.tgz'))).resolves.toMatchObject({ signer: 'unsigned' })
  })

  it('refuses an archive tampered with after signing, by its checksum and by its signature', async () => {
    const { marketplace, cwd } = await setup({ trusted_keys: trusted(acme) })
    const signature = await signArchive(v1, acme)
    const before = await snapshotTree(cwd)
    const withChecksum = { ...byUrl('/tampered.tgz', signature), checksum_sha256: sha256(v1) }
    await expect(marketplace.install(withChecksum)).rejects.toMatchObject({ code: 'E_INTEGRITY' })
    await expect(marketplace.install(byUrl('/tampered.tgz', signature))).rejects.toMatchObject({
      code: 'E_SIGNATURE',
    })
    expect(await snapshotTree(cwd)).toEqual(before)
  })

  it('installs signed index entries and refuses an upgrade signed by another key unless forced', async () => {
    const { marketplace, lock } = await setup({
      indexes: [server.url('/index.json')],
      trusted_keys: trusted(acme, other),
      require_signature: true,
    })
    const host = fakeHost()
    await marketplace.install({ name: 'signed-plugin', version: '1.0.0' }, host.hooks)
    const { plugins } = await marketplace.catalog()
    expect(plugins[0]).toMatchObject({ version: '2.0.0', keyId: other.keyId, installedSigner: acme.keyId })
    const refused = await marketplace.upgrade('signed-plugin', undefined, host.hooks).catch((e: unknown) => e)
    expect(refused).toMatchObject({
      code: 'E_SIGNATURE',
      message: expect.stringContaining('upgrade with force'),
    })
    expect((await lock()).plugins['signed-plugin']).toMatchObject({ version: '1.0.0', signer: acme.keyId })
    expect(host.running.get('signed-plugin')).toBe('1.0.0')
    const forced = await marketplace.upgrade('signed-plugin', undefined, host.hooks, { force: true })
    expect(forced).toMatchObject({ changed: true, plugin: { version: '2.0.0', signer: other.keyId } })
  })

  it('refuses an unsigned upgrade of a signed plugin unless forced', async () => {
    const { marketplace } = await setup({
      indexes: [server.url('/index.json'), server.url('/unsigned.json')],
      trusted_keys: trusted(acme),
    })
    await marketplace.install({ name: 'signed-plugin', version: '1.0.0' })
    await expect(marketplace.upgrade('signed-plugin', '3.0.0')).rejects.toMatchObject({
      code: 'E_SIGNATURE',
      message: expect.stringContaining('is unsigned'),
    })
  })
})

describe('marketplace configuration of trust', () => {
  const someKeyId = `x:SHA256:${'A'.repeat(43)}`
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
    type: 'spki',
    format: 'pem',
  })
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({
    type: 'spki',
    format: 'pem',
  })
  const cases: [string, MarketplaceConfigInput, (string | number)[]][] = [
    [
      'an RSA key',
      { trusted_keys: [{ key_id: someKeyId, public_key: rsa as string }] },
      ['trusted_keys', 0, 'public_key'],
    ],
    [
      'a P-384 key',
      { trusted_keys: [{ key_id: someKeyId, public_key: p384 as string }] },
      ['trusted_keys', 0, 'public_key'],
    ],
    [
      'not PEM',
      { trusted_keys: [{ key_id: someKeyId, public_key: 'hello' }] },
      ['trusted_keys', 0, 'public_key'],
    ],
    [
      'a malformed key id',
      { trusted_keys: [{ key_id: 'acme', public_key: 'hello' }] },
      ['trusted_keys', 0, 'key_id'],
    ],
    ['a source that is not a URL', { allowed_sources: ['plugins.example.com'] }, ['allowed_sources', 0]],
  ]
  for (const [what, config, path] of cases)
    it(`refuses ${what}, naming the key path`, async () => {
      const error = await setup(config).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'E_CONFIG' })
      expect((error as { issues: { path: unknown[] }[] }).issues.map((issue) => issue.path)).toContainEqual(
        path,
      )
    })

  it('refuses a key id whose fingerprint is not that of the key', async () => {
    const error = await setup({ trusted_keys: [{ key_id: acme.keyId, public_key: other.pem }] }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('fingerprint') })
  })
})

describe('allowed_sources', () => {
  it('compares URL prefixes on parsed URLs, so another host never matches', async () => {
    const { marketplace } = await setup({ allowed_sources: ['http://127.0.0.1'] })
    const elsewhere = server.url('/v1.tgz').replace('127.0.0.1', '127.0.0.1.nip.io')
    await expect(marketplace.install({ download_url: elsewhere })).rejects.toMatchObject({
      code: 'E_SOURCE_NOT_ALLOWED',
    })
  })

  it('refuses a name whose only sources are not allowed, before any download', async () => {
    const { marketplace } = await setup({ indexes: [server.url('/index.json')], allowed_sources: ['url'] })
    await expect(marketplace.install({ name: 'signed-plugin' })).rejects.toMatchObject({
      code: 'E_SOURCE_NOT_ALLOWED',
      message: expect.stringContaining(server.url('/index.json')),
    })
    expect((await marketplace.catalog()).problems).toMatchObject([{ code: 'E_SOURCE_NOT_ALLOWED' }])
  })
})
