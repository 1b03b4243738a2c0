import { PluginDatabaseError, type PluginSqlExecutor } from '@switchyard/plugin-sdk'
import { checkedExecutor, databaseFailure } from './checked-executor.js'
import type { PluginDatabaseHub } from './plugin-database-hub.js'

/**
 * A transaction the host opened for a plugin: checked statements until `commit` or `rollback`. At its deadline it
 * is rolled back and `expired` rejects; later calls reject with the same error. What `ctx.db.transaction` runs on,
 * and what an isolated plugin's proxy holds between its begin, statement and commit messages.
 */
export interface PluginTransaction extends PluginSqlExecutor {
  commit(): Promise<void>
  rollback(): Promise<void>
  /** Rejects when the deadline passes before `commit` or `rollback` (never resolves). */
  readonly expired: Promise<never>
}

/**
 * Opens a transaction on the plugin's database with a deadline of `timeoutMs`.
 *
 * @example
 * ```ts
 * const tx = await beginPluginTransaction('inventory', hub, 30_000)
 * await tx.execute('INSERT INTO items (name) VALUES (?)', ['bolt'])
 * await tx.commit()
 * ```
 */
export async function beginPluginTransaction(
  plugin: string,
  hub: PluginDatabaseHub,
  timeoutMs: number,
): Promise<PluginTransaction> {
  const tx = await (await hub.database(plugin))
    .begin()
    .catch((error) => databaseFailure(plugin, error, 'BEGIN'))
  let ended: Error | undefined
  let expire!: (error: Error) => void
  const expired = new Promise<never>((_resolve, reject) => {
    expire = reject
  })
  expired.catch(() => undefined)
  const end = (reason: Error) => {
    ended = reason
    clearTimeout(timer)
  }
  const timer = setTimeout(() => {
    const error = new PluginDatabaseError(
      plugin,
      `transaction did not finish within ${timeoutMs}ms and was rolled back`,
    )
    end(error)
    expire(error)
    tx.rollback().catch(() => undefined)
  }, timeoutMs)
  timer.unref()
  const statements = checkedExecutor(plugin, () => {
    if (ended !== undefined) throw ended
    return tx
  })
  return {
    ...statements,
    expired,
    async commit() {
      if (ended !== undefined) throw ended
      end(new PluginDatabaseError(plugin, 'the transaction was committed; use ctx.db'))
      await tx.commit().catch((error) => databaseFailure(plugin, error, 'COMMIT'))
    },
    async rollback() {
      if (ended !== undefined) return
      end(new PluginDatabaseError(plugin, 'the transaction was rolled back; use ctx.db'))
      // A rollback that fails (the connection broke) leaves nothing to undo.
      await tx.rollback().catch(() => undefined)
    },
  }
}
