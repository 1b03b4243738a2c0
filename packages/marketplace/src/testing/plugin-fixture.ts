import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** A fixture plugin package. */
export interface PluginSpec {
  name: string
  version: string
  /** false: no `eventPlugin` field at all. */
  eventPlugin?: false | string | { entry: string; host?: string }
  dependencies?: Record<string, string>
  setupThrows?: boolean
  description?: string
}

/**
 * The files of a fixture plugin: package.json (keyword `switchyard-plugin`) and an ES module whose default
 * export is a plugin descriptor; its `setup` pushes `name@version` into `ctx.started` or throws.
 *
 * @example
 * ```ts
 * const files = pluginFiles({ name: 'demo-plugin', version: '1.0.0' })
 * ```
 */
export function pluginFiles(spec: PluginSpec): Record<string, string> {
  const { eventPlugin = { entry: './index.js' }, dependencies = {} } = spec
  const json = {
    name: spec.name,
    version: spec.version,
    description: spec.description ?? `fixture ${spec.name}`,
    type: 'module',
    keywords: ['switchyard-plugin'],
    ...(eventPlugin === false ? {} : { eventPlugin }),
    dependencies,
  }
  const body = spec.setupThrows
    ? `throw new Error('setup of ${spec.name} exploded')`
    : `ctx.started.push('${spec.name}@${spec.version}')`
  const plugin = `export default { name: '${spec.name.replace(/^@.*\//, '')}', version: '${spec.version}', setup(ctx) { ${body} } }\n`
  return { 'package.json': JSON.stringify(json, null, 2), 'index.js': plugin }
}

/**
 * Writes a fixture plugin into `dir`.
 *
 * @example
 * ```ts
 * await writePlugin(join(tmp, 'demo'), { name: 'demo-plugin', version: '1.0.0' })
 * ```
 */
export async function writePlugin(dir: string, spec: PluginSpec): Promise<void> {
  await mkdir(dir, { recursive: true })
  for (const [file, text] of Object.entries(pluginFiles(spec))) await writeFile(join(dir, file), text)
}
