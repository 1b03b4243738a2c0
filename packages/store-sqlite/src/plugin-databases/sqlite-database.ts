import type { SqlDatabase, SqlExecutor, SqlResult, SqlRow, SqlTransaction, SqlValue } from '@switchyard/core'
import type Database from 'better-sqlite3'
import { SqliteMutex } from './sqlite-mutex.js'

type Bindable = string | number | bigint | Buffer | null

// better-sqlite3 binds numbers, strings, bigints, Buffers and null only.
function bindable(params: readonly SqlValue[]): Bindable[] {
  return params.map((value) => {
    if (typeof value === 'boolean') return value ? 1 : 0
    if (value instanceof Uint8Array && !Buffer.isBuffer(value))
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    return value as Bindable
  })
}

/** Runs statements on a better-sqlite3 connection, synchronously under the promise API. */
function executor(db: Database.Database): SqlExecutor {
  return {
    async query(sql, params = []) {
      const statement = db.prepare(sql)
      if (!statement.reader) {
        statement.run(...bindable(params))
        return []
      }
      return statement.all(...bindable(params)) as SqlRow[]
    },
    async execute(sql, params = []): Promise<SqlResult> {
      const statement = db.prepare(sql)
      // An INSERT … RETURNING is a reader: its rows are the changed ones.
      if (statement.reader)
        return { changes: statement.all(...bindable(params)).length, lastInsertRowid: null }
      const info = statement.run(...bindable(params))
      return { changes: info.changes, lastInsertRowid: Number(info.lastInsertRowid) }
    },
    async script(sql) {
      db.exec(sql)
    },
  }
}

/**
 * One plugin's SQLite database on a better-sqlite3 connection. Statements outside a transaction wait for the
 * open transaction (if any) to end; `close` is left to the owner when `owned` is false (a shared in-memory
 * database lives as long as its driver).
 *
 * @example
 * ```ts
 * const db = new SqliteDatabase(new Database('data/plugins/inventory.db'), true)
 * await db.query('SELECT 1 AS one')
 * ```
 */
export class SqliteDatabase implements SqlDatabase {
  readonly #db: Database.Database
  readonly #run: SqlExecutor
  readonly #mutex = new SqliteMutex()
  readonly #owned: boolean

  constructor(db: Database.Database, owned: boolean) {
    this.#db = db
    this.#run = executor(db)
    this.#owned = owned
  }

  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]> {
    return this.#exclusive(() => this.#run.query(sql, params))
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<SqlResult> {
    return this.#exclusive(() => this.#run.execute(sql, params))
  }

  script(sql: string): Promise<void> {
    return this.#exclusive(() => this.#run.script(sql))
  }

  async begin(): Promise<SqlTransaction> {
    const release = await this.#mutex.lock()
    try {
      this.#db.exec('BEGIN IMMEDIATE')
    } catch (error) {
      release()
      throw error
    }
    let open = true
    const end = async (sql: string) => {
      if (!open) return
      open = false
      try {
        if (this.#db.inTransaction) this.#db.exec(sql)
      } finally {
        release()
      }
    }
    return { ...this.#run, commit: () => end('COMMIT'), rollback: () => end('ROLLBACK') }
  }

  async close(): Promise<void> {
    const release = await this.#mutex.lock()
    if (this.#owned && this.#db.open) this.#db.close()
    release()
  }

  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.#mutex.lock()
    try {
      return await work()
    } finally {
      release()
    }
  }
}
