export { PostgresDatabaseError } from './errors.js'
export { numberedPlaceholders } from './numbered-placeholders.js'
export { PostgresPluginDatabases, type PostgresPluginDatabasesOptions } from './postgres-plugin-databases.js'
