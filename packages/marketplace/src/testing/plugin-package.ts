import { type PluginSpec, pluginFiles } from './plugin-fixture.js'
import { writeTar } from './write-tar.js'
import { writeZip } from './write-zip.js'

/**
 * A fixture plugin as `npm pack` would make it: a gzipped tarball with everything under `package/`.
 *
 * @example
 * ```ts
 * const tgz = packPlugin({ name: 'demo-plugin', version: '1.0.0' })
 * ```
 */
export function packPlugin(spec: PluginSpec): Buffer {
  return writeTar(
    Object.entries(pluginFiles(spec)).map(([file, data]) => ({ path: `package/${file}`, data })),
  )
}

/**
 * A fixture plugin as a zip keeping its root folder (`<name>/package.json`, as the order-system seed says).
 *
 * @example
 * ```ts
 * const zip = zipPlugin({ name: 'demo-plugin', version: '1.0.0' })
 * ```
 */
export function zipPlugin(spec: PluginSpec): Buffer {
  const root = spec.name.replace(/^@.*\//, '')
  return writeZip([
    { name: `${root}/` },
    ...Object.entries(pluginFiles(spec)).map(([file, data]) => ({ name: `${root}/${file}`, data })),
  ])
}
