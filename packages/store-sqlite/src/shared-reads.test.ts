import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { SharedReads } from './shared-reads.js'
import { useTempDir } from './test-support/temp-dir.js'

function openPair(path: string): { own: Database.Database; other: Database.Database } {
  const own = new Database(path)
  own.pragma('journal_mode = WAL')
  own.exec('CREATE TABLE t (n INTEGER NOT NULL)')
  return { own, other: new Database(path) }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('SharedReads', () => {
  const temp = useTempDir()

  it("shares one snapshot among a turn's reads and sees other connections' commits from the next turn", async () => {
    const { own, other } = openPair(temp.file('r.db'))
    const reads = new SharedReads(own)
    const count = own.prepare<[], number>('SELECT count(*) FROM t').pluck()
    expect(reads.run(() => count.get())).toBe(0)
    other.prepare('INSERT INTO t (n) VALUES (1)').run()
    expect(reads.run(() => count.get())).toBe(0)
    await nextTurn()
    expect(reads.run(() => count.get())).toBe(1)
    await nextTurn()
    own.close()
    other.close()
  })

  it("ends the turn's read before the connection writes, so the next read sees the write", () => {
    const { own, other } = openPair(temp.file('r.db'))
    const reads = new SharedReads(own)
    const count = own.prepare<[], number>('SELECT count(*) FROM t').pluck()
    expect(reads.run(() => count.get())).toBe(0)
    reads.end()
    own.transaction(() => own.prepare('INSERT INTO t (n) VALUES (1)').run())()
    // Committed, not part of a transaction still open: another connection sees it at once.
    expect(other.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1)
    expect(reads.run(() => count.get())).toBe(1)
    reads.end()
    own.close()
    other.close()
  })
})
