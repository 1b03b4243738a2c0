import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import {
  type FileServer,
  packPlugin,
  serveFiles,
  startTestRegistry,
  type TestRegistry,
  writeTar,
  writeZip,
} from '@switchyard/marketplace/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  MARKETPLACE_FIXTURES,
  type MarketplaceApp,
  publishFixture,
  startMarketplaceApp,
} from './support/marketplace-app.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const manifest = (name: string) =>
  JSON.stringify({ name, version: '1.0.0', type: 'module', eventPlugin: { entry: './index.js' } })
const plugin = (name: string) => [
  { path: 'package/package.json', data: manifest(name) },
  { path: 'package/index.js', data: `export default { name: '${name}', version: '1.0.0', setup() {} }` },
]

let registry: TestRegistry
let files: FileServer
let app: MarketplaceApp
let good: Buffer
let closedUrl: string

beforeAll(async () => {
  registry = await startTestRegistry()
  await publishFixture(registry, 'tally')
  // Tampered after publishing: the registry's dist.integrity no longer matches what it serves.
  await registry.publish({ name: 'switchyard-plugin-tampered', version: '1.0.0' })
  await writeFile(
    registry.tarballPath('switchyard-plugin-tampered', '1.0.0'),
    packPlugin({ name: 'switchyard-plugin-tampered', version: '1.0.0', description: 'swapped' }),
  )
  const tally = join(MARKETPLACE_FIXTURES, 'tally')
  good = writeTar(
    await Promise.all(
      ['package.json', 'index.js'].map(async (file) => ({
        path: `package/${file}`,
        data: await readFile(join(tally, file)),
      })),
    ),
  )
  files = await serveFiles({
    '/tally.tgz': good,
    '/dotdot.tgz': writeTar([...plugin('dotdot'), { path: 'package/../../escaped.js', data: 'x' }]),
    '/absolute.tgz': writeTar([...plugin('absolute'), { path: '/tmp/switchyard-absolute.js', data: 'x' }]),
    '/symlink.tgz': writeTar([
      ...plugin('symlink'),
      { path: 'package/out', type: 'SymbolicLink', linkpath: '../../../../etc' },
    ]),
    // 4 MiB of zeros deflate to a few KiB; the headers claim 10 bytes
    '/bomb.zip': writeZip([
      { name: 'bomb/package.json', data: manifest('bomb') },
      { name: 'bomb/zeros', data: Buffer.alloc(4 << 20), declaredSize: 10 },
    ]),
    '/no-event-plugin.tgz': packPlugin({ name: 'plain-package', version: '1.0.0', eventPlugin: false }),
    '/throws-in-setup.tgz': packPlugin({ name: 'thrower', version: '1.0.0', setupThrows: true }),
    '/throws-on-import.tgz': writeTar([
      { path: 'package/package.json', data: manifest('import-thrower') },
      { path: 'package/index.js', data: "throw new Error('module top level exploded')" },
    ]),
  })
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  closedUrl = `http://127.0.0.1:${(probe.address() as { port: number }).port}/gone.tgz`
  await new Promise((resolve) => probe.close(resolve))
  app = await startMarketplaceApp({
    registry: registry.url,
    token: registry.token,
    limits: { max_unpacked_bytes: 1 << 20, timeout_ms: 5000 },
  })
}, 120_000)

afterAll(async () => {
  await app?.close()
  await files?.close()
  await registry?.close()
})

describe('marketplace API with hostile inputs', { timeout: 30_000 }, () => {
  it('installs a good archive first, so there is a lockfile and a running plugin to keep', async () => {
    const body = { download_url: files.url('/tally.tgz'), checksum_sha256: sha256(good) }
    const installed = await app.call('POST', '/api/v1/plugins/install', body)
    expect(installed.status, JSON.stringify(installed.body)).toBe(201)
    expect(await app.plugins()).toEqual([{ name: 'tally', state: 'started', version: '0.1.0' }])
  })

  const cases: [string, () => unknown, number, string][] = [
    [
      'a checksum mismatch',
      () => ({ download_url: files.url('/tally.tgz'), checksum_sha256: '0'.repeat(64) }),
      422,
      'E_INTEGRITY',
    ],
    ['a registry integrity mismatch', () => ({ name: 'switchyard-plugin-tampered' }), 422, 'E_INTEGRITY'],
    ['a tar with ../ entries', () => ({ download_url: files.url('/dotdot.tgz') }), 422, 'E_UNSAFE_ARCHIVE'],
    ['an absolute path', () => ({ download_url: files.url('/absolute.tgz') }), 422, 'E_UNSAFE_ARCHIVE'],
    [
      'a symlink pointing outside',
      () => ({ download_url: files.url('/symlink.tgz') }),
      422,
      'E_UNSAFE_ARCHIVE',
    ],
    ['a zip bomb', () => ({ download_url: files.url('/bomb.zip') }), 422, 'E_ARCHIVE_LIMIT'],
    [
      'a package without eventPlugin',
      () => ({ download_url: files.url('/no-event-plugin.tgz') }),
      422,
      'E_NOT_A_PLUGIN',
    ],
    [
      'a plugin that throws in setup',
      () => ({ download_url: files.url('/throws-in-setup.tgz') }),
      422,
      'E_PLUGIN_START',
    ],
    [
      'a plugin that throws on import',
      () => ({ download_url: files.url('/throws-on-import.tgz') }),
      422,
      'E_PLUGIN_VERIFY',
    ],
    // 424 Failed Dependency: the request was fine, the remote it names failed (retrying may help); DESIGN asks for a 4xx
    ['an unreachable URL', () => ({ download_url: closedUrl }), 424, 'E_DOWNLOAD'],
    ['a registry 404', () => ({ name: 'switchyard-plugin-nowhere' }), 404, 'E_NOT_FOUND'],
    [
      'a version the registry lacks',
      () => ({ name: 'switchyard-plugin-tampered', version: '9.x' }),
      404,
      'E_NOT_FOUND',
    ],
    ['a name that escapes the folder', () => ({ name: '../escape' }), 400, 'E_VALIDATION'],
  ]
  it.each(cases)('rejects %s with nothing changed on disk or in the host', async (_, body, status, code) => {
    const before = { files: await app.snapshot(), lock: await app.lock(), plugins: await app.plugins() }
    const res = await app.call('POST', '/api/v1/plugins/install', body())
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    expect(res.body.error).toEqual({ code, message: expect.any(String) })
    expect(await app.snapshot()).toEqual(before.files)
    expect(await app.lock()).toEqual(before.lock)
    expect(await app.plugins()).toEqual(before.plugins)
    expect(await (await app.t.request('/plugins/tally/count', { as: 'read' })).json()).toMatchObject({
      version: '0.1.0',
    })
  })

  it('documents the upgrade endpoint and the force flag in /openapi.json', async () => {
    const { body } = await app.call('GET', '/openapi.json', undefined, 'read')
    const paths = body.paths as Record<string, Record<string, Record<string, unknown>>>
    const upgrade = paths['/api/v1/plugins/upgrade']?.post
    expect(upgrade).toMatchObject({
      requestBody: { content: { 'application/json': { schema: { required: ['name'] } } } },
    })
    const uninstall = paths['/api/v1/plugins/uninstall/{name}']?.delete
    expect(uninstall?.parameters).toContainEqual(expect.objectContaining({ name: 'force', in: 'query' }))
    const bad = await app.call('DELETE', '/api/v1/plugins/uninstall/switchyard-plugin-tally?force=yes')
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'E_VALIDATION' } } })
    expect((await app.call('POST', '/api/v1/plugins/upgrade', { version: '1.0.0' })).status).toBe(400)
    const read = await app.call('POST', '/api/v1/plugins/upgrade', { name: 'x' }, 'read')
    expect(read.status).toBe(403)
  })
})
