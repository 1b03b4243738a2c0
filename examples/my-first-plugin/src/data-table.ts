import { randomUUID } from 'node:crypto'
import type { PluginDatabase, PluginMigration } from '@switchyard/plugin-sdk'

/** One row of `my_plugin_data`. */
export interface DataEntry {
  id: string
  name: string
  value: string
  created_at: string
}

/**
 * The table, as migrations (Nexus made it in `create_tables`). Ids and times are made by the plugin, so the same SQL
 * runs on SQLite and PostgreSQL.
 */
export const migrations: readonly PluginMigration[] = [
  {
    id: '001-my-plugin-data',
    up: `CREATE TABLE my_plugin_data (
      id TEXT PRIMARY KEY,
      name VARCHAR(100) NOT NULL,
      value TEXT NOT NULL DEFAULT '',
      created_at TEXT NOT NULL
    )`,
  },
  { id: '002-by-created-at', up: 'CREATE INDEX my_plugin_data_created_at ON my_plugin_data (created_at)' },
]

/**
 * The plugin's queries on its table.
 *
 * @example
 * ```ts
 * const table = dataTable(ctx.db)
 * const entry = await table.insert('welcome_ada', 'Welcome to Switchyard, ada!')
 * ```
 */
export function dataTable(db: PluginDatabase) {
  return {
    async insert(name: string, value: string): Promise<DataEntry> {
      const entry = { id: randomUUID(), name, value, created_at: new Date().toISOString() }
      await db.execute('INSERT INTO my_plugin_data (id, name, value, created_at) VALUES (?, ?, ?, ?)', [
        entry.id,
        entry.name,
        entry.value,
        entry.created_at,
      ])
      return entry
    },
    list(): Promise<DataEntry[]> {
      return db.query<DataEntry>(
        'SELECT id, name, value, created_at FROM my_plugin_data ORDER BY created_at DESC, id DESC',
      )
    },
    async get(id: string): Promise<DataEntry | null> {
      const rows = await db.query<DataEntry>(
        'SELECT id, name, value, created_at FROM my_plugin_data WHERE id = ?',
        [id],
      )
      return rows[0] ?? null
    },
    async count(): Promise<number> {
      const [row] = await db.query<{ count: number }>('SELECT COUNT(*) AS count FROM my_plugin_data')
      return Number(row?.count ?? 0)
    },
  }
}

/** What `dataTable` returns. */
export type DataTable = ReturnType<typeof dataTable>
