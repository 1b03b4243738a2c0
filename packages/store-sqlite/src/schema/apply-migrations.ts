import type { Database } from 'better-sqlite3'
import { type Migration, migrations } from './migrations.js'

/**
 * Brings a database up to the latest schema: runs, in order and each in its own transaction, every migration
 * newer than the file's `PRAGMA user_version`, and records the new version with it. Refuses a file written by
 * a newer schema than this code knows, rather than guessing at it. Resolves to the number of steps applied.
 *
 * @example
 * ```ts
 * const applied = applyMigrations(new Database('data/switchyard.db'))
 * ```
 */
export function applyMigrations(db: Database, list: readonly Migration[] = migrations): number {
  const current = db.pragma('user_version', { simple: true }) as number
  const latest = list.at(-1)?.version ?? 0
  if (current > latest) {
    throw new Error(
      `schema version ${current} is newer than the latest this package knows (${latest}); ` +
        'open it with the newer @switchyard/store-sqlite that wrote it',
    )
  }
  const pending = list.filter((migration) => migration.version > current)
  for (const migration of pending) {
    db.transaction(() => {
      migration.up(db)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return pending.length
}
