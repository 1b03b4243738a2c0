/**
 * A SQL parameter value. Placeholders are `?` on every driver (PostgreSQL drivers number them); SQLite stores
 * booleans as 1 and 0.
 */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array

/** One row of a query result, keyed by column name. */
export type SqlRow = Record<string, unknown>

/** What a statement that changes data reports: rows changed, and the rowid SQLite gave an insert (null elsewhere). */
export interface SqlResult {
  changes: number
  lastInsertRowid: number | null
}

/** One statement with its parameters, the serialisable form of a transaction's work. */
export interface SqlStatement {
  sql: string
  params?: readonly SqlValue[]
}

/** Runs statements on one database or inside one transaction. */
export interface SqlExecutor {
  /** Rows of a query; `params` fill the `?` placeholders in order. */
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>
  /** Runs a statement that changes data. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<SqlResult>
  /** Runs a script of one or more statements without parameters (a migration's `up`). */
  script(sql: string): Promise<void>
}

/** An open transaction: statements run in it until `commit` or `rollback`, after which it is unusable. */
export interface SqlTransaction extends SqlExecutor {
  commit(): Promise<void>
  rollback(): Promise<void>
}

/** One plugin's database. Statements outside a transaction wait while one of this database's transactions is open. */
export interface SqlDatabase extends SqlExecutor {
  /** Opens a transaction. */
  begin(): Promise<SqlTransaction>
  close(): Promise<void>
}

/**
 * Where plugins keep their SQL data, one database per plugin that no other plugin can read: a SQLite file per
 * plugin, or a schema and role per plugin on PostgreSQL. The host opens a plugin's database when the plugin
 * first needs it and closes it at stop; implementations live beside the stores and are given to the host.
 *
 * @example
 * ```ts
 * const databases: PluginDatabases = new SqlitePluginDatabases({ directory: 'data/plugins' })
 * const db = await databases.open('inventory')
 * await db.execute('INSERT INTO items (name) VALUES (?)', ['bolt'])
 * ```
 */
export interface PluginDatabases {
  /** The driver's name for messages and status (`sqlite`, `postgres`). */
  readonly driver: string
  /** Opens (creating if needed) a plugin's database. */
  open(plugin: string): Promise<SqlDatabase>
  /** Deletes a plugin's database and everything in it; its handles must be closed first. */
  purge(plugin: string): Promise<void>
  /** Releases what the driver holds (pools, admin connections). */
  close(): Promise<void>
}
