import { runPluginDatabasesContract } from '@switchyard/core/testing'
import { useTempDir } from '../test-support/temp-dir.js'
import { SqlitePluginDatabases } from './sqlite-plugin-databases.js'

const temp = useTempDir()

runPluginDatabasesContract('SQLite files', () => new SqlitePluginDatabases({ directory: temp.dir }))
runPluginDatabasesContract('SQLite in memory', () => new SqlitePluginDatabases({ memory: true }))
