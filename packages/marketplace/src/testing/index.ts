export { type PluginSpec, pluginFiles, writePlugin } from './plugin-fixture.js'
export { startTestRegistry, type TestRegistry, type TestRegistryOptions } from './start-test-registry.js'
