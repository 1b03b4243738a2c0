import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { StoreClosedError } from './errors.js'
import { useTempDir } from './test-support/temp-dir.js'
import { WalSync } from './wal-sync.js'
import { type WriteGroup, WriteQueue } from './write-queue.js'

function openPair(path: string): { writer: Database.Database; reader: Database.Database } {
  const writer = new Database(path)
  writer.pragma('journal_mode = WAL')
  writer.exec('CREATE TABLE t (n INTEGER NOT NULL UNIQUE)')
  return { writer, reader: new Database(path, { readonly: true }) }
}

describe('WriteQueue', () => {
  const temp = useTempDir()

  it('commits writes of the same tick together and resolves each only after the commit', async () => {
    const { writer, reader } = openPair(temp.file('q.db'))
    const queue = new WriteQueue(writer, 0)
    const insert = writer.prepare('INSERT INTO t (n) VALUES (?)')
    const count = reader.prepare<[], number>('SELECT count(*) FROM t').pluck()
    const seenAtResolve: number[] = []
    const writes = Array.from({ length: 100 }, (_, n) =>
      queue.push(() => insert.run(n)).then(() => seenAtResolve.push(count.get()!)),
    )
    expect(count.get()).toBe(0)
    await Promise.all(writes)
    // Another connection saw all 100 rows when the first promise resolved: one commit held them all.
    expect(seenAtResolve).toEqual(Array(100).fill(100))
    writer.close()
    reader.close()
  })

  it('rejects only the failing write of a batch and commits the others', async () => {
    const { writer, reader } = openPair(temp.file('q.db'))
    const queue = new WriteQueue(writer, 0)
    const insert = writer.prepare('INSERT INTO t (n) VALUES (?)')
    const results = await Promise.allSettled([
      queue.push(() => insert.run(1)),
      queue.push(() => insert.run(1)),
      queue.push(() => insert.run(2)),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(reader.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual([1, 2])
    writer.close()
    reader.close()
  })

  it('runs the consecutive writes of a group as one runAll, and each alone when that batch fails', async () => {
    const { writer, reader } = openPair(temp.file('q.db'))
    const queue = new WriteQueue(writer, 0)
    const insert = writer.prepare('INSERT INTO t (n) VALUES (?)')
    const calls: number[][] = []
    const numbers: WriteGroup<number> = {
      runAll(items) {
        calls.push(items)
        for (const n of items) insert.run(n)
      },
    }
    const push = (n: number) => queue.pushTo(numbers, n)
    await Promise.all([push(1), push(2), queue.push(() => insert.run(3)), push(4)])
    expect(calls).toEqual([[1, 2], [4]])
    calls.length = 0
    // 5 twice: the group's batch fails on the UNIQUE column, then each write runs alone and only the copy fails.
    const results = await Promise.allSettled([push(5), push(5), push(6)])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(calls).toEqual([[5, 5, 6], [5], [5], [6]])
    expect(reader.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual([1, 2, 3, 4, 5, 6])
    writer.close()
    reader.close()
  })

  it('rejects the whole batch at once, without replaying it, when the database is busy', async () => {
    const { writer, reader } = openPair(temp.file('q.db'))
    writer.pragma('busy_timeout = 0')
    const blocker = new Database(temp.file('q.db'))
    blocker.exec('BEGIN IMMEDIATE')
    const queue = new WriteQueue(writer, 0)
    const insert = writer.prepare('INSERT INTO t (n) VALUES (?)')
    let runs = 0
    const results = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        queue.push(() => {
          runs++
          return insert.run(n)
        }),
      ),
    )
    expect(results.map((r) => r.status === 'rejected' && (r.reason as { code: string }).code)).toEqual(
      Array(3).fill('SQLITE_BUSY'),
    )
    expect(runs).toBe(1)
    blocker.exec('ROLLBACK')
    for (const db of [blocker, writer, reader]) db.close()
  })

  it('waits commitDelayMs for more writes, commits what is queued on close, then refuses writes', async () => {
    const { writer, reader } = openPair(temp.file('q.db'))
    const queue = new WriteQueue(writer, 60_000)
    const insert = writer.prepare('INSERT INTO t (n) VALUES (?)')
    const pending = queue.push(() => insert.run(7))
    queue.close()
    await pending
    expect(reader.prepare('SELECT n FROM t').pluck().all()).toEqual([7])
    await expect(queue.push(() => insert.run(8))).rejects.toBeInstanceOf(StoreClosedError)
    writer.close()
    reader.close()
  })
  it('with a WalSync, resolves a write once the WAL was synced after its commit, off the event loop', async () => {
    const path = temp.file('synced.db')
    const { writer, reader } = openPair(path)
    writer.pragma('synchronous = NORMAL')
    const wal = new WalSync(`${path}-wal`)
    const queue = new WriteQueue(writer, 0, wal)
    const insert = writer.prepare('INSERT INTO t (n) VALUES (?)')
    let resolved = false
    const write = queue.push(() => insert.run(1)).then(() => (resolved = true))
    queue.flush()
    // Committed (another connection sees it) but not acknowledged until the thread pool's sync answered.
    expect(reader.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 1 })
    expect(resolved).toBe(false)
    await write
    expect(resolved).toBe(true)
    wal.close()
    writer.close()
    reader.close()
  })

  it('rejects the writes of a commit whose WAL sync failed', async () => {
    const { writer, reader } = openPair(temp.file('unsynced.db'))
    const queue = new WriteQueue(writer, 0, new WalSync(temp.file('no-such-dir/unsynced.db-wal')))
    const insert = writer.prepare('INSERT INTO t (n) VALUES (?)')
    await expect(queue.push(() => insert.run(1))).rejects.toMatchObject({ code: 'ENOENT' })
    writer.close()
    reader.close()
  })
})
