import type { ExtensionRegistry } from '@switchyard/core'
import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import { ConfigError } from '../errors.js'
import type { ConfigureResult } from '../lifecycle/plugin-set.js'
import type { LoadedConfig } from './load-config.js'
import { type PluginConfigResult, parsePluginConfig } from './parse-plugin-config.js'
import { runConfigLoad } from './run-config-load.js'
import { toConfigIssue } from './to-config-issue.js'

/** What configuring a plugin needs besides the loaded file: the `config.load` contributions and their deadline. */
export interface ConfigureContext {
  extensions: ExtensionRegistry
  timeoutMs: number
  /** Parses with the plugin's schema where its code runs (a sandbox); `parsePluginConfig` in the host by default. */
  parse?(raw: unknown): PluginConfigResult | Promise<PluginConfigResult>
}

/**
 * Configures a plugin from a loaded configuration: its `plugins.<name>.config` goes through the `config.load`
 * contributions of running plugins, then the plugin's own schema parses the result; issues are placed under
 * `plugins.<name>.config` in the file.
 *
 * @example
 * ```ts
 * const parsed = await configurePlugin(descriptor, loaded, { extensions: bus.extensions, timeoutMs: 10_000 })
 * if (!parsed.ok) throw parsed.error
 * ```
 */
export async function configurePlugin(
  descriptor: PluginDescriptor,
  loaded: LoadedConfig,
  context: ConfigureContext,
): Promise<ConfigureResult> {
  const raw = loaded.config.plugins[descriptor.name]?.config ?? {}
  const sourced = await runConfigLoad(context.extensions, descriptor.name, raw, {
    file: loaded.file,
    timeoutMs: context.timeoutMs,
  })
  if (!sourced.ok) return sourced
  const result = await (context.parse?.(sourced.config) ?? parsePluginConfig(descriptor, sourced.config))
  if (result.ok) return result
  const prefix = ['plugins', descriptor.name, 'config']
  const issues = result.issues.map((issue) => toConfigIssue(issue, loaded.file, loaded.locate, prefix))
  return { ok: false, error: new ConfigError(issues, { cause: result.error }) }
}
