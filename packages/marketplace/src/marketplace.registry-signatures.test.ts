import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Marketplace } from './marketplace.js'
import type { MarketplaceConfigInput } from './marketplace-config.js'
import { packPlugin } from './testing/plugin-package.js'
import { snapshotTree } from './testing/snapshot-tree.js'
import { type SigningRegistry, startSigningRegistry } from './testing/start-signing-registry.js'

const pack = (name: string, version = '1.0.0') => packPlugin({ name, version })

let registry: SigningRegistry
let keyless: SigningRegistry
const roots: string[] = []

beforeAll(async () => {
  registry = await startSigningRegistry()
  keyless = await startSigningRegistry({ publishKeys: false })
  await registry.publish(pack('good-plugin'))
  await registry.publish(pack('bare-plugin'), 'missing')
  await registry.publish(pack('forged-plugin'), 'mismatched')
  await registry.publish(pack('stranger-plugin'), 'unknown-key')
  await registry.publish(pack('swapped-plugin'))
  registry.tamper(
    'swapped-plugin',
    '1.0.0',
    packPlugin({ name: 'swapped-plugin', version: '1.0.0', description: 'evil' }),
  )
  await keyless.publish(pack('plain-plugin'), 'missing')
})

afterAll(async () => {
  await registry?.close()
  await keyless?.close()
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })))
})

async function setup(config: MarketplaceConfigInput) {
  const cwd = await mkdtemp(join(tmpdir(), 'switchyard-marketplace-registry-signed-'))
  roots.push(cwd)
  const full = { enabled: true, install_dir: '.switchyard/plugins', ...config }
  return { cwd, marketplace: new Marketplace({ config: full, hostVersion: '0.1.0', cwd, npmrcFiles: [] }) }
}

describe('registry signatures (dist.signatures, /-/npm/v1/keys)', () => {
  it('verifies a signed version and records the registry key as its signer', async () => {
    const { marketplace } = await setup({ registry: registry.url })
    await expect(marketplace.install({ name: 'good-plugin' })).resolves.toMatchObject({
      signer: registry.keyId,
      source: { kind: 'registry' },
    })
  })

  it('refuses missing, mismatched and unknown-key signatures and tampered tarballs, installing nothing', async () => {
    const { marketplace, cwd } = await setup({ registry: registry.url })
    const before = await snapshotTree(cwd)
    const cases = [
      ['bare-plugin', 'E_SIGNATURE', 'carries no signature'],
      ['forged-plugin', 'E_SIGNATURE', 'does not match the package'],
      ['stranger-plugin', 'E_SIGNATURE', 'a key the registry does not publish'],
      ['swapped-plugin', 'E_INTEGRITY', 'integrity mismatch'],
    ] as const
    for (const [name, code, message] of cases) {
      await expect(marketplace.install({ name }), name).rejects.toMatchObject({
        code,
        message: expect.stringContaining(message),
      })
      expect(await snapshotTree(cwd)).toEqual(before)
    }
  })

  it('with require_signature accepts only registry keys pinned in trusted_keys', async () => {
    const unpinned = await setup({ registry: registry.url, require_signature: true })
    await expect(unpinned.marketplace.install({ name: 'good-plugin' })).rejects.toMatchObject({
      code: 'E_SIGNATURE',
      message: expect.stringContaining('not in marketplace.trusted_keys'),
    })
    const pinned = await setup({
      registry: registry.url,
      require_signature: true,
      trusted_keys: [{ key_id: registry.keyId, public_key: registry.publicKeyPem }],
    })
    await expect(pinned.marketplace.install({ name: 'good-plugin' })).resolves.toMatchObject({
      signer: registry.keyId,
    })
  })

  it('refuses a registry serving another key under the id of a pinned key', async () => {
    const impostor = await startSigningRegistry({ keyId: registry.keyId })
    await impostor.publish(pack('good-plugin'))
    const { marketplace } = await setup({
      registry: impostor.url,
      trusted_keys: [{ key_id: registry.keyId, public_key: registry.publicKeyPem }],
    })
    await expect(marketplace.install({ name: 'good-plugin' })).rejects.toMatchObject({
      code: 'E_SIGNATURE',
      message: expect.stringContaining('not the one pinned'),
    })
    await impostor.close()
  })

  it('installs from a registry that publishes no keys as unsigned, unless signatures are required', async () => {
    const open = await setup({ registry: keyless.url })
    await expect(open.marketplace.install({ name: 'plain-plugin' })).resolves.toMatchObject({
      signer: 'unsigned',
    })
    const strict = await setup({ registry: keyless.url, require_signature: true })
    await expect(strict.marketplace.install({ name: 'plain-plugin' })).rejects.toMatchObject({
      code: 'E_SIGNATURE',
    })
  })

  it('refuses a registry missing from allowed_sources before asking it anything', async () => {
    const { marketplace } = await setup({ registry: registry.url, allowed_sources: ['index', 'url'] })
    await expect(marketplace.install({ name: 'good-plugin' })).rejects.toMatchObject({
      code: 'E_SOURCE_NOT_ALLOWED',
      message: expect.stringContaining(registry.url),
    })
  })
})
