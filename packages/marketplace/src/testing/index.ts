export { type PluginSpec, pluginFiles, writePlugin } from './plugin-fixture.js'
export { packPlugin, zipPlugin } from './plugin-package.js'
export { type FileServer, serveFiles } from './serve-files.js'
export { snapshotTree } from './snapshot-tree.js'
export {
  type RegistrySigning,
  type SigningRegistry,
  type SigningRegistryOptions,
  startSigningRegistry,
} from './start-signing-registry.js'
export { startTestRegistry, type TestRegistry, type TestRegistryOptions } from './start-test-registry.js'
export { type TarEntry, writeTar } from './write-tar.js'
export { writeZip, type ZipEntry } from './write-zip.js'
