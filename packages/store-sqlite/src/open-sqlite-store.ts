import { SqliteStore } from './sqlite-store.js'
import type { SqliteStoreOptions } from './sqlite-store-options.js'

/**
 * Opens a `SqliteStore`; the promise rejects with `StoreOpenError` (code `E_STORE_OPEN`) when the file cannot be
 * opened, created or migrated, and with `StoreOptionsError` for bad options.
 *
 * @example
 * ```ts
 * const store = await openSqliteStore({ path: 'data/switchyard.db' })
 * ```
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  return new SqliteStore(options)
}
