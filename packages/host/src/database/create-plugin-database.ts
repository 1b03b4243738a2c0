import type { SqlStatement } from '@switchyard/core'
import {
  type Permission,
  type PluginDatabase,
  PluginDatabaseError,
  type PluginSqlExecutor,
} from '@switchyard/plugin-sdk'
import { beginPluginTransaction } from './begin-plugin-transaction.js'
import { checkedExecutor } from './checked-executor.js'
import type { PluginDatabaseHub } from './plugin-database-hub.js'

/** What `ctx.db` needs besides the hub: the permission check and the transaction deadline. */
export interface PluginDatabaseOptions {
  /** Throws when the plugin stopped or lacks `permission` (the context's own check). */
  guard(method: string, permission: Permission): void
  transactionTimeoutMs: number
}

/**
 * Builds `ctx.db` for one plugin over its database in the hub: checks permissions and parameters, turns driver
 * errors into `PluginDatabaseError` (E_DATABASE) naming the plugin and the statement, and runs a transaction's work
 * on `beginPluginTransaction`: committed when it resolves, rolled back when it rejects or outlives the deadline.
 * Every method is async, so a missing permission rejects like any other failure, as across an isolation boundary.
 *
 * @example
 * ```ts
 * const db = createPluginDatabase('inventory', hub, { guard, transactionTimeoutMs: 30_000 })
 * await db.execute('INSERT INTO items (name) VALUES (?)', ['bolt'])
 * ```
 */
export function createPluginDatabase(
  plugin: string,
  hub: PluginDatabaseHub,
  options: PluginDatabaseOptions,
): PluginDatabase {
  const open = checkedExecutor(plugin, () => hub.database(plugin))

  const transaction = async (
    work: ((tx: PluginSqlExecutor) => Promise<unknown>) | readonly SqlStatement[],
  ) => {
    options.guard('db.transaction', 'database:write')
    if (typeof work !== 'function' && !Array.isArray(work))
      throw new PluginDatabaseError(plugin, 'transaction: expected a function or an array of { sql, params }')
    const tx = await beginPluginTransaction(plugin, hub, options.transactionTimeoutMs)
    const { query, execute } = tx
    try {
      const done = typeof work === 'function' ? work({ query, execute }) : runStatements(tx, work)
      const result = await Promise.race([done, tx.expired])
      await tx.commit()
      return result
    } catch (error) {
      await tx.rollback()
      throw error
    }
  }

  return {
    async query(sql, params) {
      options.guard('db.query', 'database:read')
      return open.query(sql, params)
    },
    async execute(sql, params) {
      options.guard('db.execute', 'database:write')
      return open.execute(sql, params)
    },
    transaction: transaction as PluginDatabase['transaction'],
  }
}

async function runStatements(tx: PluginSqlExecutor, statements: readonly SqlStatement[]) {
  const results = []
  for (const statement of statements) results.push(await tx.execute(statement.sql, statement.params))
  return results
}
