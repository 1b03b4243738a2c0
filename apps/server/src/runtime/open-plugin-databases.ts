import { dirname, join, resolve } from 'node:path'
import type { PluginDatabases } from '@switchyard/core'
import { PostgresPluginDatabases } from '@switchyard/database-postgres'
import type { SwitchyardConfig } from '@switchyard/host'
import { SqlitePluginDatabases } from '@switchyard/store-sqlite'

/**
 * The driver of plugins' SQL databases (`ctx.db`) the configuration names in `plugin_database`; left out, it follows
 * `storage`: SQLite files in a `plugins` folder beside the SQLite store (`data/plugins/<plugin>.db`), or in-memory
 * SQLite with the memory store. Nothing connects or opens a file until a plugin uses its database. Relative paths
 * are taken from `baseDir`.
 *
 * @example
 * ```ts
 * const databases = openPluginDatabases(config, process.cwd())
 * ```
 */
export function openPluginDatabases(
  config: Pick<SwitchyardConfig, 'plugin_database' | 'storage'>,
  baseDir: string,
): PluginDatabases {
  const { plugin_database: database, storage } = config
  if (database?.driver === 'postgres')
    return new PostgresPluginDatabases({
      url: database.url,
      schemaPrefix: database.schema_prefix,
      poolSize: database.pool_size,
    })
  if (database?.driver === 'memory' || (database === undefined && storage.driver === 'memory'))
    return new SqlitePluginDatabases({ memory: true })
  const storeDir = storage.driver === 'sqlite' ? dirname(storage.path) : 'data'
  const directory = database?.directory ?? join(storeDir, 'plugins')
  return new SqlitePluginDatabases({ directory: resolve(baseDir, directory) })
}
