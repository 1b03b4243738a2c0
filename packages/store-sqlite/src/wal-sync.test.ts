import { describe, expect, it } from 'vitest'
import { useTempDir } from './test-support/temp-dir.js'
import { WalSync } from './wal-sync.js'

const syncResult = (wal: WalSync): Promise<Error | null> => new Promise((resolve) => wal.sync(resolve))

describe('WalSync', () => {
  const temp = useTempDir()

  it('reports a WAL file that is missing while the database is open', async () => {
    const wal = new WalSync(temp.file('missing.db-wal'))
    expect(await syncResult(wal)).toMatchObject({ code: 'ENOENT' })
  })

  it('settles a sync asked for just before close whose WAL file the closing checkpoint removed', async () => {
    // The store closes the database (SQLite checkpoints and deletes the WAL) right after its last commit asked
    // for a sync, before the thread pool opened the file: that commit is durable already.
    const wal = new WalSync(temp.file('checkpointed.db-wal'))
    const result = syncResult(wal)
    wal.close()
    expect(await result).toBeNull()
  })
})
