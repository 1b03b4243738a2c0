import type { SqlResult, SqlRow, SqlStatement, SqlValue } from '@switchyard/core'

/** Statements run inside `ctx.db.transaction(async (tx) => …)`. */
export interface PluginSqlExecutor {
  /** Rows of a query; `params` fill the `?` placeholders in order. */
  query<Row = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>
  /** Runs a statement that changes data: `{ changes, lastInsertRowid }` (the rowid on SQLite, null on PostgreSQL). */
  execute(sql: string, params?: readonly SqlValue[]): Promise<SqlResult>
}

/**
 * A plugin's own SQL database (`ctx.db`): a SQLite file by default, or the plugin's schema on PostgreSQL; no other
 * plugin can read it. Placeholders are `?` on every driver. `query` needs `database:read`; `execute` and
 * `transaction` need `database:write`. Every method is async and takes and returns serialisable values, so it
 * works the same when the plugin runs isolated in a worker or process.
 *
 * @example
 * ```ts
 * await ctx.db.execute('INSERT INTO items (name) VALUES (?)', ['bolt'])
 * const rows = await ctx.db.query<{ id: number; name: string }>('SELECT id, name FROM items WHERE name = ?', ['bolt'])
 * await ctx.db.transaction(async (tx) => {
 *   await tx.execute('UPDATE stock SET qty = qty - ? WHERE item = ?', [1, rows[0].id])
 *   await tx.execute('INSERT INTO moves (item) VALUES (?)', [rows[0].id])
 * })
 * ```
 */
export interface PluginDatabase extends PluginSqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it rejects (the rejection is
   * rethrown) or when it outlives the transaction deadline. Use `tx`, not `ctx.db`, inside: other statements on
   * this plugin's database wait for the transaction to end.
   */
  transaction<T>(work: (tx: PluginSqlExecutor) => Promise<T>): Promise<T>
  /** Runs the statements in order in one transaction (all or none) and returns each one's result. */
  transaction(statements: readonly SqlStatement[]): Promise<SqlResult[]>
}

/**
 * One schema change of a plugin's database, declared in `migrations`. Each is applied once, in the declared order,
 * inside a transaction together with its record in the `switchyard_migrations` table; one that fails is rolled back
 * and fails the plugin's start with the SQL error.
 *
 * @example
 * ```ts
 * migrations: [{ id: '001-items', up: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)' }]
 * ```
 */
export interface PluginMigration {
  /** Unique within the plugin; never change or reuse one that shipped. */
  readonly id: string
  /** SQL to apply: one or more statements. */
  readonly up: string
}
