export type { HealthReport } from '../runtime/collect-health.js'
export { createTestHost, type PluginSource, type TestHost, type TestHostOptions } from './create-test-host.js'
