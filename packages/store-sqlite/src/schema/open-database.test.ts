import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StoreOpenError } from '../errors.js'
import { openSqliteStore } from '../open-sqlite-store.js'
import { useTempDir } from '../test-support/temp-dir.js'

describe('openSqliteStore', () => {
  const temp = useTempDir()

  it('creates missing directories and a WAL-mode file', async () => {
    const path = join(temp.dir, 'nested', 'deeper', 'switchyard.db')
    const store = await openSqliteStore({ path })
    expect(store.path).toBe(path)
    await store.close()
  })

  it('refuses a file that is not a database, naming the path and the cause', async () => {
    const path = temp.file('garbage.db')
    writeFileSync(
      path,
      'this is not an SQLite file, just text that is long enough to have a header '.repeat(20),
    )
    const opening = openSqliteStore({ path })
    await expect(opening).rejects.toBeInstanceOf(StoreOpenError)
    await expect(opening).rejects.toMatchObject({ code: 'E_STORE_OPEN', path })
    await expect(opening).rejects.toThrow(`cannot open SQLite store at ${path}: file is not a database`)
  })

  it('refuses a path that cannot be written (its parent is a regular file)', async () => {
    const blocker = temp.file('not-a-dir')
    writeFileSync(blocker, 'x')
    const path = join(blocker, 'switchyard.db')
    const opening = openSqliteStore({ path })
    await expect(opening).rejects.toMatchObject({ code: 'E_STORE_OPEN', path })
    await expect(opening).rejects.toThrow(
      `directory ${blocker} cannot be created: part of that path is an existing file`,
    )
  })

  it('refuses a path that is a directory', async () => {
    const opening = openSqliteStore({ path: temp.dir })
    await expect(opening).rejects.toMatchObject({ code: 'E_STORE_OPEN', path: temp.dir })
    await expect(opening).rejects.toThrow(`cannot open SQLite store at ${temp.dir}: `)
  })
})
