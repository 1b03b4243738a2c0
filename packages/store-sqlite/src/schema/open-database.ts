import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { StoreOpenError } from '../errors.js'
import { applyMigrations } from './apply-migrations.js'

const IN_MEMORY = ':memory:'

/** mkdir -p, with a plain explanation when a file stands where a directory must be. */
function ensureDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw error
    throw new Error(`directory ${dir} cannot be created: part of that path is an existing file (${code})`, {
      cause: error,
    })
  }
}

/** How `openDatabase` configures the connection. */
export interface OpenDatabaseOptions {
  synchronous: 'full' | 'normal'
  busyTimeoutMs: number
}

/**
 * Opens (creating if needed) a Switchyard database file in WAL mode and migrates it to the latest schema.
 * Everything that can go wrong with the file goes wrong here, as a `StoreOpenError` naming the path: SQLite
 * opens lazily, so the first statements are what detect a corrupt or foreign file.
 *
 * @example
 * ```ts
 * const db = openDatabase('data/switchyard.db', { synchronous: 'full', busyTimeoutMs: 5000 })
 * ```
 */
export function openDatabase(path: string, options: OpenDatabaseOptions): Database.Database {
  const location = path === IN_MEMORY ? path : resolve(path)
  let db: Database.Database | undefined
  try {
    if (location !== IN_MEMORY) ensureDirectory(dirname(location))
    db = new Database(location, { timeout: options.busyTimeoutMs })
    const mode = db.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal' && location !== IN_MEMORY) {
      throw new Error(`the file cannot be switched to WAL journal mode (it stays in ${String(mode)} mode)`)
    }
    db.pragma(`synchronous = ${options.synchronous}`)
    applyMigrations(db)
    return db
  } catch (cause) {
    db?.close()
    throw new StoreOpenError(location, cause)
  }
}
