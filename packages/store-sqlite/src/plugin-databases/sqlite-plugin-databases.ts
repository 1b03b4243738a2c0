import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { PluginDatabases, SqlDatabase } from '@switchyard/core'
import Database from 'better-sqlite3'
import { SqliteDatabase } from './sqlite-database.js'

/** Where `SqlitePluginDatabases` keeps plugins' data: a folder of files, or memory. */
export type SqlitePluginDatabasesOptions = { directory: string } | { memory: true }

const FILE_SUFFIXES = ['', '-wal', '-shm']

/**
 * The default plugin SQL driver: one SQLite file per plugin (`<directory>/<plugin>.db`, WAL mode), so a plugin can
 * read no other plugin's tables; or, with `memory: true`, one in-memory database per plugin that lives as long as
 * the driver (the memory store's counterpart, and what `@switchyard/testing` uses).
 *
 * @example
 * ```ts
 * const databases = new SqlitePluginDatabases({ directory: 'data/plugins' })
 * const db = await databases.open('inventory') // data/plugins/inventory.db
 * ```
 */
export class SqlitePluginDatabases implements PluginDatabases {
  readonly driver = 'sqlite'
  readonly #directory: string | undefined
  readonly #memory = new Map<string, Database.Database>()

  constructor(options: SqlitePluginDatabasesOptions) {
    this.#directory = 'directory' in options ? resolve(options.directory) : undefined
  }

  async open(plugin: string): Promise<SqlDatabase> {
    if (this.#directory === undefined) {
      let db = this.#memory.get(plugin)
      if (db === undefined) {
        db = new Database(':memory:')
        this.#memory.set(plugin, db)
      }
      return new SqliteDatabase(db, false)
    }
    mkdirSync(this.#directory, { recursive: true })
    const db = new Database(this.#file(plugin), { timeout: 5000 })
    try {
      db.pragma('journal_mode = WAL')
      db.pragma('foreign_keys = ON')
    } catch (error) {
      db.close()
      throw error
    }
    return new SqliteDatabase(db, true)
  }

  async purge(plugin: string): Promise<void> {
    if (this.#directory === undefined) {
      this.#memory.get(plugin)?.close()
      this.#memory.delete(plugin)
      return
    }
    for (const suffix of FILE_SUFFIXES) rmSync(`${this.#file(plugin)}${suffix}`, { force: true })
  }

  async close(): Promise<void> {
    for (const db of this.#memory.values()) db.close()
    this.#memory.clear()
  }

  #file(plugin: string): string {
    return join(this.#directory as string, `${plugin}.db`)
  }
}
