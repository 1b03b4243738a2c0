import type { SqlDatabase, SqlExecutor, SqlResult, SqlRow, SqlTransaction, SqlValue } from '@switchyard/core'
import type pg from 'pg'
import { numberedPlaceholders } from './numbered-placeholders.js'

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>

// pg sends Buffers as bytea and cannot send a BigInt: it goes as its decimal text.
function values(params: readonly SqlValue[]): unknown[] {
  return params.map((value) => {
    if (typeof value === 'bigint') return value.toString()
    if (value instanceof Uint8Array && !Buffer.isBuffer(value))
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    return value
  })
}

/** Statements with `?` placeholders on a pool or on one client (a transaction). */
function executor(db: Queryable): SqlExecutor {
  return {
    async query(sql, params = []) {
      const result = await db.query(numberedPlaceholders(sql), values(params))
      return result.rows as SqlRow[]
    },
    async execute(sql, params = []): Promise<SqlResult> {
      const result = await db.query(numberedPlaceholders(sql), values(params))
      return { changes: result.rowCount ?? 0, lastInsertRowid: null }
    },
    async script(sql) {
      // No parameters: the simple query protocol, which takes several statements.
      await db.query(sql)
    },
  }
}

/**
 * One plugin's database on PostgreSQL: a pool logged in as the plugin's role, whose search_path is its schema.
 * A transaction holds one client of the pool; other statements use the others.
 *
 * @example
 * ```ts
 * const db = new PostgresDatabase(new pg.Pool({ connectionString: pluginUrl }))
 * await db.query('SELECT name FROM items WHERE id = ?', [1])
 * ```
 */
export class PostgresDatabase implements SqlDatabase {
  readonly #pool: pg.Pool
  readonly #run: SqlExecutor

  constructor(pool: pg.Pool) {
    this.#pool = pool
    this.#run = executor(pool)
  }

  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]> {
    return this.#run.query(sql, params)
  }

  execute(sql: string, params?: readonly SqlValue[]): Promise<SqlResult> {
    return this.#run.execute(sql, params)
  }

  script(sql: string): Promise<void> {
    return this.#run.script(sql)
  }

  async begin(): Promise<SqlTransaction> {
    const client = await this.#pool.connect()
    try {
      await client.query('BEGIN')
    } catch (error) {
      client.release(error as Error)
      throw error
    }
    let open = true
    const end = async (sql: 'COMMIT' | 'ROLLBACK') => {
      if (!open) return
      open = false
      try {
        await client.query(sql)
        client.release()
      } catch (error) {
        // A connection that cannot end its transaction must not go back to the pool.
        client.release(error as Error)
        throw error
      }
    }
    return { ...executor(client), commit: () => end('COMMIT'), rollback: () => end('ROLLBACK') }
  }

  close(): Promise<void> {
    return this.#pool.end()
  }
}
