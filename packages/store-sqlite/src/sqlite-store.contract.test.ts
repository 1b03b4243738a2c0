import { runStoreContract } from '@switchyard/core/testing'
import { SqliteStore } from './sqlite-store.js'
import { useTempDir } from './test-support/temp-dir.js'

const temp = useTempDir()

// A fresh file per test (the temp dir is new for each), retention timer off so nothing changes under a test.
runStoreContract(
  'SqliteStore',
  () => new SqliteStore({ path: temp.file('contract.db'), retention: { intervalMs: 0 } }),
)
