import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll } from 'vitest'
import { startTestServer, type TestServer, testConfig } from './test-server.js'

const exec = promisify(execFile)

/** A plugin folder packed as an npm tarball and served on loopback. */
export interface ServedTarball {
  url: string
  /** sha256 of the tarball, hex. */
  checksum: string
  /** A scratch folder next to the tarball, for the test's own files (install directories). */
  dir: string
  close(): Promise<void>
}

/**
 * Packs `folder` as an npm-style tarball (the package under `package/`) and serves it over HTTP on 127.0.0.1.
 *
 * @example
 * ```ts
 * const tarball = await serveTarball(fileURLToPath(new URL('fixtures/installable', import.meta.url)))
 * await install({ download_url: tarball.url, checksum_sha256: tarball.checksum })
 * ```
 */
export async function serveTarball(folder: string): Promise<ServedTarball> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-tarball-'))
  await cp(folder, join(dir, 'pack/package'), { recursive: true })
  const name = `${basename(folder)}-1.0.0.tgz`
  await exec('tar', ['-czf', join(dir, name), '-C', join(dir, 'pack'), 'package'])
  const bytes = await readFile(join(dir, name))
  const files = createServer((req, res) => {
    if (req.url === `/${name}`) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes)
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(files.address() as AddressInfo).port}/${name}`,
    checksum: createHash('sha256').update(bytes).digest('hex'),
    dir,
    async close() {
      await new Promise((resolve) => files.close(resolve))
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A test server whose marketplace installs into a folder beside a served tarball. */
export interface TarballMarketplace {
  tarball: ServedTarball
  t: TestServer
  close(): Promise<void>
}

/**
 * Serves `folder` as a tarball (see `serveTarball`) and starts a test server whose marketplace is enabled with
 * `marketplace` (the install directory beside the tarball) and whose config takes `overrides`.
 *
 * @example
 * ```ts
 * const { tarball, t, close } = await startTarballMarketplace(INSTALLABLE, { isolation: 'process' })
 * ```
 */
export async function startTarballMarketplace(
  folder: string,
  marketplace: Record<string, unknown> = {},
  overrides: Record<string, unknown> = {},
): Promise<TarballMarketplace> {
  const tarball = await serveTarball(folder)
  const t = await startTestServer(
    testConfig({
      marketplace: { enabled: true, install_dir: join(tarball.dir, 'installed'), ...marketplace },
      ...overrides,
    }),
  )
  return {
    tarball,
    t,
    async close() {
      await t.close()
      await tarball.close()
    },
  }
}

/**
 * `startTarballMarketplace` before the file's tests and closed after them: the returned object is filled in by
 * `beforeAll`, so tests read `market.t` and `market.tarball` from it.
 *
 * @example
 * ```ts
 * const market = useTarballMarketplace(INSTALLABLE)
 * it('installs', () => market.t.request('/api/v1/plugins/install', ...))
 * ```
 */
export function useTarballMarketplace(
  folder: string,
  marketplace: Record<string, unknown> = {},
  overrides: Record<string, unknown> = {},
): TarballMarketplace {
  const market = {} as TarballMarketplace
  beforeAll(async () => {
    Object.assign(market, await startTarballMarketplace(folder, marketplace, overrides))
  }, 60_000)
  afterAll(() => market.close?.(), 60_000)
  return market
}
