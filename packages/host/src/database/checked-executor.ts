import type { SqlExecutor, SqlValue } from '@switchyard/core'
import { PluginDatabaseError, type PluginSqlExecutor } from '@switchyard/plugin-sdk'
import { sqlParams } from './sql-params.js'

/**
 * Rethrows a driver error as `PluginDatabaseError` (E_DATABASE) naming the plugin and the statement (its first 200
 * characters); one that already is passes through.
 *
 * @example
 * ```ts
 * await db.query(sql).catch((error) => databaseFailure('inventory', error, sql))
 * ```
 */
export function databaseFailure(plugin: string, error: unknown, sql: string): never {
  if (error instanceof PluginDatabaseError) throw error
  const statement = sql.length > 200 ? `${sql.slice(0, 200)}…` : sql
  throw new PluginDatabaseError(plugin, `${(error as Error).message} (in: ${statement})`, { cause: error })
}

/**
 * `query` and `execute` of a plugin over the executor `target` resolves to (looked up per statement, so it may
 * refuse once a transaction ended): parameters checked first, driver errors made `PluginDatabaseError`.
 *
 * @example
 * ```ts
 * const db = checkedExecutor('inventory', () => hub.database('inventory'))
 * ```
 */
export function checkedExecutor(
  plugin: string,
  target: () => SqlExecutor | Promise<SqlExecutor>,
): PluginSqlExecutor {
  return {
    async query<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
      const values = sqlParams(plugin, params)
      const rows = await (await target())
        .query(sql, values)
        .catch((error) => databaseFailure(plugin, error, sql))
      return rows as Row[]
    },
    async execute(sql, params) {
      const values = sqlParams(plugin, params)
      return (await target()).execute(sql, values).catch((error) => databaseFailure(plugin, error, sql))
    },
  }
}
