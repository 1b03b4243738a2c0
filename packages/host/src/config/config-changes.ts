import type { EventBus } from '@switchyard/core'
import { ConfigError, type ConfigIssue } from '../errors.js'
import type { PluginRecord } from '../lifecycle/plugin-record.js'
import { busSettings } from './bus-settings.js'
import { configurePlugin } from './configure-plugin.js'
import type { LoadedConfig } from './load-config.js'

/** A plugin and its config parsed from a reloaded configuration. */
export interface PluginConfigChange {
  record: PluginRecord
  config: unknown
}

/**
 * Parses every loaded plugin's config from `next`; throws one `ConfigError` with all the issues when any is
 * invalid, so a reload applies all or nothing.
 *
 * @example
 * ```ts
 * const changes = pluginConfigChanges(plugins.list(), next)
 * ```
 */
export function pluginConfigChanges(
  records: readonly PluginRecord[],
  next: LoadedConfig,
): PluginConfigChange[] {
  const changes: PluginConfigChange[] = []
  const issues: ConfigIssue[] = []
  for (const record of records) {
    if (record.descriptor === undefined) continue
    const parsed = configurePlugin(record.descriptor, next)
    if (!parsed.ok) issues.push(...(parsed.error as ConfigError).issues)
    else changes.push({ record, config: parsed.config })
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return changes
}

/**
 * Applies a configuration's bus settings to a running bus: delivery defaults (checked first: a value that does
 * not fit a subscription throws and nothing changes), routes and handler selection.
 *
 * @example
 * ```ts
 * applyBusSettings(host.bus, next.config)
 * ```
 */
export function applyBusSettings(bus: EventBus, config: LoadedConfig['config']): void {
  const settings = busSettings(config)
  bus.setDefaults(settings.defaults)
  bus.setRoutes(settings.routes)
  bus.setHandlerSelection(settings.handlerSelection)
}
