import Sqlite, { type Database, type Transaction } from 'better-sqlite3'
import { StoreClosedError } from './errors.js'
import type { SharedReads } from './shared-reads.js'
import type { WalSync } from './wal-sync.js'

/**
 * Failures that belong to one write (a constraint, a bad value) rather than to the database (busy, I/O, full,
 * corrupt): only these are worth replaying the batch one write at a time, which a busy or broken file would
 * only make slower.
 */
function isWriteSpecific(error: unknown): boolean {
  return (
    !(error instanceof Sqlite.SqliteError) ||
    /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE|ERROR)/.test(error.code)
  )
}

/**
 * Writes of one kind that run together: the consecutive writes of a commit that name the same group go to
 * `runAll` with their items at once (one statement for many rows) instead of each running on its own.
 */
export interface WriteGroup<T> {
  runAll(items: T[]): void
}

interface PendingWrite {
  /** Undefined for a write of a group: alone, it runs as the group's `runAll` of its one item. */
  run: (() => unknown) | undefined
  group?: WriteGroup<unknown> | undefined
  item?: unknown
  resolve(value: unknown): void
  reject(error: unknown): void
}

/** Runs a batch in order, each run of consecutive writes of one group as one `runAll`; returns each write's result. */
function runInOrder(writes: readonly PendingWrite[]): unknown[] {
  const results: unknown[] = new Array(writes.length)
  for (let i = 0; i < writes.length; ) {
    const group = writes[i]!.group
    if (group === undefined) {
      results[i] = writes[i]!.run!()
      i++
      continue
    }
    const items: unknown[] = []
    for (; i < writes.length && writes[i]!.group === group; i++) items.push(writes[i]!.item)
    group.runAll(items)
  }
  return results
}

/**
 * Group commit: writes queued in the same tick (or within `delayMs`) are committed in one transaction, and each
 * promise settles only after that commit, so callers get durability at the cost of one sync for many writes.
 * A failing write rolls its batch back; the batch is then retried one write per transaction so that only the
 * failing write rejects. When the database itself fails (busy, I/O error, disk full), every write of the batch
 * rejects with that error. With a `WalSync`, the promises settle only once the WAL was synced after the commit
 * (the connection then commits without syncing: see `WalSync`). With `SharedReads`, the read transaction of the
 * turn ends before each commit.
 *
 * @example
 * ```ts
 * const queue = new WriteQueue(db, 0)
 * await queue.push(() => insert.run(row)) // committed when this resolves
 * ```
 */
export class WriteQueue {
  readonly #db: Database
  readonly #delayMs: number
  readonly #wal: WalSync | undefined
  readonly #reads: SharedReads | undefined
  readonly #runAll: Transaction<(writes: PendingWrite[]) => unknown[]>
  #pending: PendingWrite[] = []
  #scheduled = false
  #timer: NodeJS.Timeout | undefined
  #closed = false

  constructor(db: Database, delayMs: number, wal?: WalSync, reads?: SharedReads) {
    this.#db = db
    this.#delayMs = delayMs
    this.#wal = wal
    this.#reads = reads
    this.#runAll = db.transaction(runInOrder)
  }

  /** Queues `run` for the next commit; resolves to its result once committed. */
  push<T>(run: () => T): Promise<T> {
    return this.#queue(run, undefined, undefined) as Promise<T>
  }

  /**
   * Queues `item` for the next commit, where it goes to the group's `runAll` with the items of the writes of the
   * group queued next to it (alone, in a batch replayed one write at a time); resolves once committed.
   */
  pushTo<I>(group: WriteGroup<I>, item: I): Promise<void> {
    return this.#queue(undefined, group as WriteGroup<unknown>, item) as Promise<void>
  }

  /** Commits everything queued now, synchronously. */
  flush(): void {
    this.#scheduled = false
    const writes = this.#pending
    if (writes.length === 0) return
    this.#pending = []
    this.#reads?.end()
    let results: unknown[]
    try {
      results = this.#runAll(writes)
    } catch (error) {
      if (isWriteSpecific(error)) this.#runEach(writes)
      else for (const write of writes) write.reject(error)
      return
    }
    this.#durable(() => {
      for (let i = 0; i < writes.length; i++) writes[i]!.resolve(results[i])
    }, writes)
  }

  /** Commits what is queued and refuses further writes. */
  close(): void {
    clearTimeout(this.#timer)
    this.flush()
    this.#closed = true
  }

  #queue(
    run: (() => unknown) | undefined,
    group: WriteGroup<unknown> | undefined,
    item: unknown,
  ): Promise<unknown> {
    if (this.#closed) return Promise.reject(new StoreClosedError())
    return new Promise((resolve, reject) => {
      this.#pending.push({ run, group, item, resolve, reject })
      this.#schedule()
    })
  }

  #runEach(writes: PendingWrite[]): void {
    const committed: { write: PendingWrite; result: unknown }[] = []
    for (const write of writes) {
      const { run, group, item } = write
      try {
        committed.push({ write, result: this.#db.transaction(run ?? (() => group!.runAll([item])))() })
      } catch (error) {
        write.reject(error)
      }
    }
    this.#durable(
      () => {
        for (const { write, result } of committed) write.resolve(result)
      },
      committed.map(({ write }) => write),
    )
  }

  /** Runs `settle` once the commits made so far are on disk; a failed sync rejects `writes` instead. */
  #durable(settle: () => void, writes: readonly PendingWrite[]): void {
    if (this.#wal === undefined) {
      settle()
      return
    }
    this.#wal.sync((error) => {
      if (error === null) settle()
      else for (const write of writes) write.reject(error)
    })
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    if (this.#delayMs > 0) this.#timer = setTimeout(() => this.flush(), this.#delayMs)
    else setImmediate(() => this.flush())
  }
}
