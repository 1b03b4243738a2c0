import { mkdtemp, readFile, readlink, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseMarketplaceConfig } from '../marketplace-config.js'
import { packPlugin, zipPlugin } from '../testing/plugin-package.js'
import { snapshotTree } from '../testing/snapshot-tree.js'
import { type TarEntry, writeTar } from '../testing/write-tar.js'
import { writeZip, type ZipEntry } from '../testing/write-zip.js'
import { extractArchive } from './extract-archive.js'

const limits = parseMarketplaceConfig({ limits: { max_unpacked_bytes: 1024 * 1024, max_files: 50 } }).limits
const spec = { name: 'demo-plugin', version: '1.0.0' }
let root: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchyard-extract-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const tar = (...entries: TarEntry[]) => writeTar([{ path: 'package/package.json', data: '{}' }, ...entries])
const zip = (...entries: ZipEntry[]) => writeZip([{ name: 'plugin/package.json', data: '{}' }, ...entries])

async function expectRejected(bytes: Buffer, code: string, message?: RegExp): Promise<void> {
  const outside = await snapshotTree(root)
  const error = await extractArchive(bytes, join(root, 'out'), limits).catch((e: unknown) => e)
  expect(error).toMatchObject({ code })
  if (message) expect((error as Error).message).toMatch(message)
  expect(await snapshotTree(root)).toEqual(outside)
}

describe('extractArchive', () => {
  it('unpacks an npm pack tarball without its package/ folder', async () => {
    await extractArchive(packPlugin(spec), join(root, 'out'), limits)
    expect(JSON.parse(await readFile(join(root, 'out', 'package.json'), 'utf8'))).toMatchObject(spec)
    expect(await readFile(join(root, 'out', 'index.js'), 'utf8')).toContain('export default')
  })

  it('unpacks a zip without its root folder and keeps links that stay inside', async () => {
    const bytes = writeZip([
      ...[{ name: 'plugin/' }, { name: 'plugin/package.json', data: '{"name":"x"}' }],
      { name: 'plugin/lib/', mode: 0o040755 },
      { name: 'plugin/lib/a.js', data: 'a' },
      { name: 'plugin/alias.js', data: 'lib/a.js', mode: 0o120777 },
    ])
    await extractArchive(bytes, join(root, 'out'), limits)
    expect(await readlink(join(root, 'out', 'alias.js'))).toBe('lib/a.js')
    expect(await readFile(join(root, 'out', 'alias.js'), 'utf8')).toBe('a')
    await extractArchive(zipPlugin(spec), join(root, 'zip'), limits)
    expect(await readFile(join(root, 'zip', 'index.js'), 'utf8')).toContain('demo-plugin')
  })

  it('rejects tar entries with ../, absolute paths and links leaving the folder, writing nothing', async () => {
    await expectRejected(tar({ path: 'package/../../evil.js', data: 'x' }), 'E_UNSAFE_ARCHIVE', /\.\./)
    await expectRejected(tar({ path: '/tmp/evil.js', data: 'x' }), 'E_UNSAFE_ARCHIVE', /absolute/)
    const symlinkOut = { path: 'package/up', type: 'SymbolicLink' as const, linkpath: '../../outside' }
    await expectRejected(tar(symlinkOut), 'E_UNSAFE_ARCHIVE', /outside/)
    const absoluteLink = { path: 'package/passwd', type: 'SymbolicLink' as const, linkpath: '/etc/passwd' }
    await expectRejected(tar(absoluteLink), 'E_UNSAFE_ARCHIVE', /absolute/)
    await expectRejected(
      tar({ path: 'package/hard', type: 'Link', linkpath: '/etc/passwd' }),
      'E_UNSAFE_ARCHIVE',
    )
  })

  it('rejects device files, writes through links and link chains that leave the folder', async () => {
    await expectRejected(tar({ path: 'package/null', type: 'CharacterDevice' }), 'E_UNSAFE_ARCHIVE', /device/)
    await expectRejected(tar({ path: 'package/fifo', type: 'FIFO' }), 'E_UNSAFE_ARCHIVE', /device/)
    const through = [
      { path: 'package/dir', type: 'SymbolicLink' as const, linkpath: '.' },
      { path: 'package/dir/file.js', data: 'x' },
    ]
    await expectRejected(tar(...through), 'E_UNSAFE_ARCHIVE', /beneath the link/)
    // each link looks inside on its own; followed together they end above the folder
    const chain = [
      { path: 'package/a/self', type: 'SymbolicLink' as const, linkpath: '..' },
      { path: 'package/a/escape', type: 'SymbolicLink' as const, linkpath: 'self/../x' },
    ]
    await expectRejected(tar({ path: 'package/a/', type: 'Directory' }, ...chain), 'E_UNSAFE_ARCHIVE')
  })

  it('rejects zip entries with ../, absolute paths, links out and devices', async () => {
    await expectRejected(zip({ name: 'plugin/../../evil.js', data: 'x' }), 'E_UNSAFE_ARCHIVE', /\.\./)
    await expectRejected(zip({ name: '/etc/evil', data: 'x' }), 'E_UNSAFE_ARCHIVE', /absolute/)
    await expectRejected(
      zip({ name: 'plugin/up', data: '../../x', mode: 0o120777 }),
      'E_UNSAFE_ARCHIVE',
      /outside/,
    )
    await expectRejected(zip({ name: 'plugin/dev', mode: 0o020644 }), 'E_UNSAFE_ARCHIVE', /special/)
  })

  it('stops zip bombs and tar bombs at the size and file-count limits', async () => {
    const zeros = Buffer.alloc(8 * 1024 * 1024)
    await expectRejected(zip({ name: 'plugin/bomb.bin', data: zeros }), 'E_ARCHIVE_LIMIT', /unpacked bytes/)
    const lying = zip({ name: 'plugin/bomb.bin', data: zeros, declaredSize: 10 })
    await expectRejected(lying, 'E_ARCHIVE_LIMIT')
    await expectRejected(tar({ path: 'package/bomb.bin', data: zeros }), 'E_ARCHIVE_LIMIT', /unpacked bytes/)
    const many = Array.from({ length: 60 }, (_, i) => ({ name: `plugin/f${i}.js`, data: 'x' }))
    await expectRejected(zip(...many), 'E_ARCHIVE_LIMIT', /files/)
  })

  it('rejects bytes that are neither gzip nor zip', async () => {
    await expectRejected(Buffer.from('<html>not an archive</html>'), 'E_ARCHIVE_FORMAT')
    await expectRejected(Buffer.from([0x1f, 0x8b, 1, 2, 3]), 'E_ARCHIVE_FORMAT')
  })
})
