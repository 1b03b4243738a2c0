import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ensureStorageFolder } from './ensure-storage-folder.js'

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

describe('ensureStorageFolder', () => {
  it('creates the missing folders of a database path, one level at a time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sy-folder-'))
    dirs.push(dir)
    await ensureStorageFolder(join(dir, 'a', 'b', 'x.db'))
    expect((await stat(join(dir, 'a', 'b'))).isDirectory()).toBe(true)
    await ensureStorageFolder(join(dir, 'a', 'b', 'x.db')) // exists: nothing to do
  })

  it('names a path under /proc at once instead of looping like a recursive mkdir', async () => {
    const started = Date.now()
    await expect(ensureStorageFolder('/proc/nope/x.db')).rejects.toMatchObject({
      code: 'E_STORAGE_PATH',
      message: 'cannot use /proc/nope as a storage folder of /proc/nope/x.db: it cannot be created (ENOENT)',
    })
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('names an ancestor that is a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sy-folder-'))
    dirs.push(dir)
    await writeFile(join(dir, 'file'), '')
    await expect(ensureStorageFolder(join(dir, 'file', 'x.db'))).rejects.toThrow(
      `cannot use ${join(dir, 'file')} as a storage folder of ${join(dir, 'file', 'x.db')}: it exists and is not a folder`,
    )
  })
})
