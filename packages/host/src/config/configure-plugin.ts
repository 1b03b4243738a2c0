import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import { parsePluginConfig } from '@switchyard/plugin-sdk/runtime'
import { ConfigError } from '../errors.js'
import type { ConfigureResult } from '../lifecycle/plugin-set.js'
import type { LoadedConfig } from './load-config.js'
import { toConfigIssue } from './to-config-issue.js'

/**
 * Parses a plugin's config from a loaded configuration with the plugin's own schema; issues are placed under
 * `plugins.<name>.config` in the file.
 *
 * @example
 * ```ts
 * const parsed = configurePlugin(descriptor, loaded)
 * if (!parsed.ok) throw parsed.error
 * ```
 */
export function configurePlugin(descriptor: PluginDescriptor, loaded: LoadedConfig): ConfigureResult {
  const result = parsePluginConfig(descriptor, loaded.config.plugins[descriptor.name]?.config)
  if (result.ok) return result
  const prefix = ['plugins', descriptor.name, 'config']
  const issues = result.issues.map((issue) => toConfigIssue(issue, loaded.file, loaded.locate, prefix))
  return { ok: false, error: new ConfigError(issues, { cause: result.error }) }
}
