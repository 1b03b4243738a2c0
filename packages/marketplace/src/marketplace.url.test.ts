import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Marketplace } from './marketplace.js'
import type { MarketplaceConfigInput } from './marketplace-config.js'
import { fakeHost } from './test-support/fake-host.js'
import { packPlugin, zipPlugin } from './testing/plugin-package.js'
import { type FileServer, serveFiles } from './testing/serve-files.js'
import { snapshotTree } from './testing/snapshot-tree.js'
import { writeTar } from './testing/write-tar.js'
import { writeZip } from './testing/write-zip.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const good = packPlugin({ name: 'url-plugin', version: '1.0.0' })
const goodZip = zipPlugin({ name: 'zip-plugin', version: '2.0.0' })
const indexed = packPlugin({ name: 'indexed-plugin', version: '1.2.0' })
const pluginFiles = [
  { path: 'package/package.json', data: '{"name":"evil","version":"1.0.0","eventPlugin":"index.js"}' },
]
const files = {
  '/url-plugin.tgz': good,
  '/zip-plugin.zip': goodZip,
  '/indexed-plugin-1.2.0.tgz': indexed,
  '/dotdot.tgz': writeTar([...pluginFiles, { path: 'package/../../escaped.js', data: 'x' }]),
  '/absolute.tgz': writeTar([...pluginFiles, { path: '/tmp/switchyard-absolute.js', data: 'x' }]),
  '/symlink.tgz': writeTar([
    ...pluginFiles,
    { path: 'package/out', type: 'SymbolicLink', linkpath: '../../../..' },
  ]),
  '/bomb.zip': writeZip([
    { name: 'bomb/package.json', data: '{}' },
    { name: 'bomb/zeros', data: Buffer.alloc(4 << 20) },
  ]),
  '/no-manifest.tgz': packPlugin({ name: 'plain-package', version: '1.0.0', eventPlugin: false }),
  '/index.json': JSON.stringify({
    plugins: [
      {
        name: 'indexed-plugin',
        version: '1.2.0',
        download_url: 'indexed-plugin-1.2.0.tgz',
        checksum_sha256: sha256(indexed),
        host: '^0.1.0',
      },
      {
        name: 'indexed-plugin',
        version: '1.1.0',
        download_url: 'indexed-plugin-1.2.0.tgz',
        description: 'older',
      },
      {
        name: 'wrong-sum',
        version: '1.0.0',
        download_url: '/url-plugin.tgz',
        checksum_sha256: sha256(goodZip),
      },
    ],
  }),
}
let server: FileServer
let closedUrl: string
const roots: string[] = []

beforeAll(async () => {
  server = await serveFiles(files)
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  closedUrl = `http://127.0.0.1:${(probe.address() as { port: number }).port}/gone.tgz`
  await new Promise((resolve) => probe.close(resolve))
})

afterAll(async () => {
  await server?.close()
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })))
})

async function setup(config: MarketplaceConfigInput = {}) {
  const cwd = await mkdtemp(join(tmpdir(), 'switchyard-marketplace-url-'))
  roots.push(cwd)
  const limits = { max_unpacked_bytes: 1 << 20, timeout_ms: 5000 }
  const full = { enabled: true, install_dir: '.switchyard/plugins', limits, ...config }
  return { cwd, marketplace: new Marketplace({ config: full, hostVersion: '0.1.0', cwd, npmrcFiles: [] }) }
}

describe('Marketplace with direct URLs and static indexes', () => {
  it('installs a tarball and a zip from direct URLs, checking the sha256 when given', async () => {
    const { marketplace, cwd } = await setup()
    const host = fakeHost({ setupInVerify: true })
    const request = { download_url: server.url('/url-plugin.tgz'), checksum_sha256: sha256(good) }
    const installed = await marketplace.install(request, host.hooks)
    expect(installed).toMatchObject({
      name: 'url-plugin',
      version: '1.0.0',
      source: { kind: 'url', location: request.download_url },
    })
    expect(installed.dir).toBe(join(cwd, '.switchyard', 'plugins', 'url-plugin'))
    await marketplace.install({ download_url: server.url('/zip-plugin.zip') }, host.hooks)
    expect(Object.fromEntries(host.running)).toEqual({ 'url-plugin': '1.0.0', 'zip-plugin': '2.0.0' })
    expect((await marketplace.installed()).map((plugin) => plugin.name)).toEqual(['url-plugin', 'zip-plugin'])
    await expect(marketplace.upgrade('url-plugin')).rejects.toMatchObject({ code: 'E_UPGRADE_SOURCE' })
  })

  it('rejects hostile archives, bad checksums and unreachable URLs with nothing changed on disk', async () => {
    const { marketplace, cwd } = await setup()
    await marketplace.install({ download_url: server.url('/url-plugin.tgz') })
    const before = await snapshotTree(cwd)
    const cases = [
      [{ download_url: server.url('/url-plugin.tgz'), checksum_sha256: sha256(goodZip) }, 'E_INTEGRITY'],
      [{ download_url: server.url('/dotdot.tgz') }, 'E_UNSAFE_ARCHIVE'],
      [{ download_url: server.url('/absolute.tgz') }, 'E_UNSAFE_ARCHIVE'],
      [{ download_url: server.url('/symlink.tgz') }, 'E_UNSAFE_ARCHIVE'],
      [{ download_url: server.url('/bomb.zip') }, 'E_ARCHIVE_LIMIT'],
      [{ download_url: server.url('/no-manifest.tgz') }, 'E_NOT_A_PLUGIN'],
      [{ download_url: server.url('/missing.tgz') }, 'E_DOWNLOAD'],
      [{ download_url: closedUrl }, 'E_DOWNLOAD'],
      [{ download_url: 'file:///etc/passwd' }, 'E_VALIDATION'],
      [{ name: '../escape' }, 'E_VALIDATION'],
    ] as const
    for (const [request, code] of cases) {
      await expect(
        marketplace.install(request),
        `${JSON.stringify(request)} -> ${code}`,
      ).rejects.toMatchObject({ code })
      expect(await snapshotTree(cwd)).toEqual(before)
    }
  })

  it('refuses to install over a plugin folder the lockfile does not list', async () => {
    const { marketplace, cwd } = await setup()
    await mkdir(join(cwd, '.switchyard', 'plugins', 'url-plugin', 'lib'), { recursive: true })
    const before = await snapshotTree(cwd)
    const error = await marketplace
      .install({ download_url: server.url('/url-plugin.tgz') })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'E_ALREADY_INSTALLED',
      message: expect.stringContaining('not in the lockfile'),
    })
    expect(await snapshotTree(cwd)).toEqual(before)
  })

  it('lists and installs index entries, resolving their URLs against the index', async () => {
    const indexFile = join(tmpdir(), `switchyard-index-${process.pid}.json`)
    await writeFile(
      indexFile,
      JSON.stringify([
        { name: 'local-plugin', version: '0.1.0', download_url: server.url('/url-plugin.tgz') },
      ]),
    )
    const { marketplace } = await setup({
      indexes: [server.url('/index.json'), indexFile, server.url('/missing.json')],
    })
    const { plugins, problems } = await marketplace.catalog()
    await rm(indexFile)
    expect(problems).toMatchObject([{ location: server.url('/missing.json'), code: 'E_DOWNLOAD' }])
    expect(plugins.map((plugin) => [plugin.name, plugin.version, plugin.compatibility])).toEqual([
      ['indexed-plugin', '1.2.0', 'compatible'],
      ['local-plugin', '0.1.0', 'unknown'],
      ['wrong-sum', '1.0.0', 'unknown'],
    ])
    expect(plugins[0]).toMatchObject({
      versions: ['1.2.0', '1.1.0'],
      downloadUrl: server.url('/indexed-plugin-1.2.0.tgz'),
    })
  })

  it('installs from an index by name and verifies the entry checksum', async () => {
    const { marketplace, cwd } = await setup({ indexes: [server.url('/index.json')] })
    const installed = await marketplace.install({ name: 'indexed-plugin', version: '^1.0.0' })
    expect(installed).toMatchObject({
      version: '1.2.0',
      source: { kind: 'index', location: server.url('/index.json') },
    })
    const lock = JSON.parse(
      await readFile(join(cwd, '.switchyard', 'plugins', 'switchyard-plugins.lock.json'), 'utf8'),
    )
    expect(lock.plugins['indexed-plugin']).toMatchObject({ version: '1.2.0', integrity: installed.integrity })
    await expect(marketplace.install({ name: 'wrong-sum' })).rejects.toMatchObject({ code: 'E_INTEGRITY' })
  })

  it('refuses sources missing from allowed_sources', async () => {
    const { marketplace } = await setup({ allowed_sources: ['registry', `${server.url('/zip')}`] })
    await expect(marketplace.install({ download_url: server.url('/url-plugin.tgz') })).rejects.toMatchObject({
      code: 'E_SOURCE_NOT_ALLOWED',
    })
    await expect(marketplace.install({ download_url: server.url('/zip-plugin.zip') })).resolves.toMatchObject(
      {
        name: 'zip-plugin',
      },
    )
  })
})
