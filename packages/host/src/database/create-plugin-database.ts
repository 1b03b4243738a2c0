import type { SqlExecutor, SqlStatement, SqlTransaction, SqlValue } from '@switchyard/core'
import {
  type Permission,
  type PluginDatabase,
  PluginDatabaseError,
  type PluginSqlExecutor,
} from '@switchyard/plugin-sdk'
import { withDeadline } from '../runtime/with-deadline.js'
import type { PluginDatabaseHub } from './plugin-database-hub.js'
import { sqlParams } from './sql-params.js'

/** What `ctx.db` needs besides the hub: the permission check and the transaction deadline. */
export interface PluginDatabaseOptions {
  /** Throws when the plugin stopped or lacks `permission` (the context's own check). */
  guard(method: string, permission: Permission): void
  transactionTimeoutMs: number
}

/**
 * Builds `ctx.db` for one plugin over its database in the hub: checks permissions and parameters, turns driver
 * errors into `PluginDatabaseError` (E_DATABASE) naming the plugin and the statement, and runs a transaction's
 * work under a deadline, rolling back when it rejects or overruns. A transaction given as a list of statements is
 * the serialisable form an isolated plugin's proxy sends as one message; the callback form is built on `begin`,
 * so a proxy can also carry it as begin / statements / commit messages.
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
  const fail = (error: unknown, sql: string): never => {
    if (error instanceof PluginDatabaseError) throw error
    const statement = sql.length > 200 ? `${sql.slice(0, 200)}…` : sql
    throw new PluginDatabaseError(plugin, `${(error as Error).message} (in: ${statement})`, { cause: error })
  }
  const checked = (run: () => SqlExecutor | Promise<SqlExecutor>): PluginSqlExecutor => ({
    async query<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
      const values = sqlParams(plugin, params)
      const rows = await (await run()).query(sql, values).catch((error) => fail(error, sql))
      return rows as Row[]
    },
    async execute(sql, params) {
      const values = sqlParams(plugin, params)
      return (await run()).execute(sql, values).catch((error) => fail(error, sql))
    },
  })
  const open = checked(() => hub.database(plugin))

  const transaction = async (
    work: ((tx: PluginSqlExecutor) => Promise<unknown>) | readonly SqlStatement[],
  ) => {
    options.guard('db.transaction', 'database:write')
    if (typeof work !== 'function' && !Array.isArray(work))
      throw new PluginDatabaseError(plugin, 'transaction: expected a function or an array of { sql, params }')
    const tx = await (await hub.database(plugin)).begin().catch((error) => fail(error, 'BEGIN'))
    let active = true
    const inTransaction = checked(() => {
      if (!active) throw new PluginDatabaseError(plugin, 'the transaction already ended; use ctx.db')
      return tx
    })
    try {
      const result = await withDeadline(
        typeof work === 'function' ? work(inTransaction) : runStatements(inTransaction, work),
        options.transactionTimeoutMs,
        () =>
          new PluginDatabaseError(
            plugin,
            `transaction did not finish within ${options.transactionTimeoutMs}ms and was rolled back`,
          ),
      )
      active = false
      await tx.commit().catch((error) => fail(error, 'COMMIT'))
      return result
    } catch (error) {
      active = false
      await rollback(tx)
      throw error
    }
  }

  return {
    // Async: a missing permission rejects like every other failure, as it does across an isolation boundary.
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

// A rollback that fails (the connection broke) leaves nothing to undo: the work's own error is the one to report.
async function rollback(tx: SqlTransaction): Promise<void> {
  await tx.rollback().catch(() => undefined)
}
