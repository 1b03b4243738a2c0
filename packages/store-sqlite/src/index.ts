export { StoreClosedError, StoreOpenError, StoreOptionsError, StoreValueError } from './errors.js'
export { openSqliteStore } from './open-sqlite-store.js'
export {
  SqlitePluginDatabases,
  type SqlitePluginDatabasesOptions,
} from './plugin-databases/sqlite-plugin-databases.js'
export { type PruneResult, SqliteStore } from './sqlite-store.js'
export type { RetentionOptions, SqliteStoreOptions } from './sqlite-store-options.js'
