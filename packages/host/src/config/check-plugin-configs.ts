import { discoverPlugins } from '../discovery/discover-plugins.js'
import { importPlugin } from '../discovery/import-plugin.js'
import type { ConfigIssue } from '../errors.js'
import { provisionalName } from '../lifecycle/plugin-record.js'
import type { LoadedConfig } from './load-config.js'
import { parsePluginConfig } from './parse-plugin-config.js'
import { toConfigIssue } from './to-config-issue.js'

/** What `checkPluginConfigs` found. */
export interface PluginConfigCheck {
  /** Each value a plugin's config schema refuses, at `plugins.<name>.config.<path>` with its line in the file. */
  issues: ConfigIssue[]
  /** Things that are not wrong in the file but will not work as written: a section naming no plugin found, a plugin that cannot be imported. */
  warnings: ConfigIssue[]
  /** The plugins whose config was checked. */
  checked: string[]
}

/**
 * Checks each plugin's configuration against that plugin's own config schema, before any server starts: finds the
 * plugins as the host does (`plugin_directories` and `directories` under `cwd`, the app's dependencies), imports
 * each one that is not disabled (its module runs, as at start; its `setup` does not) and parses
 * `plugins.<name>.config` with its schema. Values `config.load` contributions would add at start are not known here.
 *
 * @example
 * ```ts
 * const loaded = await loadConfig('config/switchyard.yaml')
 * const { issues } = await checkPluginConfigs(loaded, { cwd: process.cwd() })
 * for (const issue of issues) console.error(formatConfigIssue(issue)) // config/switchyard.yaml:12:18: plugins.orders.config.channel: …
 * ```
 */
export async function checkPluginConfigs(
  loaded: LoadedConfig,
  options: { cwd: string; directories?: readonly string[] },
): Promise<PluginConfigCheck> {
  const { config, file } = loaded
  const sections = config.plugins
  const candidates = await discoverPlugins({
    directories: [...config.plugin_directories, ...(options.directories ?? [])],
    cwd: options.cwd,
  })
  const result: PluginConfigCheck = { issues: [], warnings: [], checked: [] }
  const found = new Set<string>()
  const at = (path: string[], message: string): ConfigIssue => {
    const position = loaded.locate(path)
    return { file, path: path.join('.'), line: position?.line, column: position?.column, message }
  }
  for (const candidate of candidates) {
    const name = provisionalName(candidate)
    if (sections[name]?.enabled === false) {
      found.add(name)
      continue
    }
    const descriptor = await importPlugin(candidate).catch((error: Error) => {
      result.warnings.push(at(['plugins', name], `${candidate.entry} cannot be loaded: ${error.message}`))
      return undefined
    })
    if (descriptor === undefined) continue
    found.add(descriptor.name)
    if (sections[descriptor.name]?.enabled === false) continue
    const parsed = parsePluginConfig(descriptor, sections[descriptor.name]?.config)
    result.checked.push(descriptor.name)
    if (parsed.ok) continue
    const prefix = ['plugins', descriptor.name, 'config']
    result.issues.push(...parsed.issues.map((issue) => toConfigIssue(issue, file, loaded.locate, prefix)))
  }
  for (const name of Object.keys(sections)) {
    if (!found.has(name))
      result.warnings.push(at(['plugins', name], noPlugin(name, config.plugin_directories)))
  }
  return result
}

const noPlugin = (name: string, directories: readonly string[]) =>
  `no plugin "${name}" found in plugin_directories (${directories.join(', ') || 'none'}), the marketplace install directory or the app's dependencies`
