// MemoryStore: the store createTestHost runs on; pass one to two hosts in turn to test what survives a restart.
export { MemoryStore } from '@switchyard/core'
export type { PluginSource } from '@switchyard/host'
export { authenticate } from './authenticate.js'
export { createTestHost, type TestHost, type TestHostOptions } from './create-test-host.js'
export { createTestSecrets } from './create-test-secrets.js'
export { createTestStore } from './create-test-store.js'
