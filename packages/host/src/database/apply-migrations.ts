import type { SqlDatabase } from '@switchyard/core'
import { type PluginMigration, PluginMigrationError } from '@switchyard/plugin-sdk'

/** The table in each plugin's database that records its applied migrations. */
export const MIGRATIONS_TABLE = 'switchyard_migrations'

/**
 * Applies a plugin's declared migrations that its database has not recorded, in order, each in its own
 * transaction together with its record: a failing one is rolled back and throws `PluginMigrationError` (later
 * ones are not tried). The record is written first with `ON CONFLICT DO NOTHING`, so two nodes starting the same
 * plugin on one PostgreSQL apply each migration once: the second waits on the first's row, then skips. Returns the
 * ids it applied.
 *
 * @example
 * ```ts
 * await applyMigrations('inventory', db, [{ id: '001-items', up: 'CREATE TABLE items (id INTEGER PRIMARY KEY)' }])
 * ```
 */
export async function applyMigrations(
  plugin: string,
  db: SqlDatabase,
  migrations: readonly PluginMigration[],
): Promise<string[]> {
  await db.script(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`,
  )
  const recorded = await db.query(`SELECT id FROM ${MIGRATIONS_TABLE}`)
  const done = new Set(recorded.map((row) => row.id))
  const applied: string[] = []
  for (const migration of migrations) {
    if (done.has(migration.id)) continue
    const tx = await db.begin()
    try {
      const claim = await tx.execute(
        `INSERT INTO ${MIGRATIONS_TABLE} (id, applied_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`,
        [migration.id, new Date().toISOString()],
      )
      if (claim.changes === 1) await tx.script(migration.up)
      await tx.commit()
      if (claim.changes === 1) applied.push(migration.id)
    } catch (error) {
      await tx.rollback().catch(() => undefined)
      throw new PluginMigrationError(plugin, migration.id, error)
    }
  }
  return applied
}
