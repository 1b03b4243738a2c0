import type { EventBus } from '@switchyard/core'
import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import { ConfigError, type ConfigIssue } from '../errors.js'
import type { PluginRecord } from '../lifecycle/plugin-record.js'
import { busSettings } from './bus-settings.js'
import { type ConfigureContext, configurePlugin } from './configure-plugin.js'
import type { LoadedConfig } from './load-config.js'

/** A plugin and its config parsed from a reloaded configuration. */
export interface PluginConfigChange {
  record: PluginRecord
  config: unknown
}

/**
 * Configures every loaded plugin from `next` (`config.load`, then its schema); throws one `ConfigError` with all
 * the issues when any fails, so a reload applies all or nothing.
 *
 * @example
 * ```ts
 * const changes = await pluginConfigChanges(plugins.list(), next, (descriptor) => ({ extensions, timeoutMs: 10_000 }))
 * ```
 */
export async function pluginConfigChanges(
  records: readonly PluginRecord[],
  next: LoadedConfig,
  context: (descriptor: PluginDescriptor) => ConfigureContext,
): Promise<PluginConfigChange[]> {
  const changes: PluginConfigChange[] = []
  const issues: ConfigIssue[] = []
  for (const record of records) {
    if (record.descriptor === undefined) continue
    const parsed = await configurePlugin(record.descriptor, next, context(record.descriptor))
    if (!parsed.ok) issues.push(...(parsed.error as ConfigError).issues)
    else changes.push({ record, config: parsed.config })
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return changes
}

/**
 * Applies a configuration's bus settings to a running bus: flow overrides first (running handlers take changed
 * limits at once; a debounce or batch change on a running handler throws and nothing changes), then delivery
 * defaults (checked first: a value that does not fit a subscription throws), routes and handler selection.
 *
 * @example
 * ```ts
 * applyBusSettings(host.bus, next.config)
 * ```
 */
export function applyBusSettings(bus: EventBus, config: LoadedConfig['config']): void {
  const settings = busSettings(config)
  bus.setFlowOverrides(settings.flowOverrides)
  bus.setDefaults(settings.defaults)
  bus.setRoutes(settings.routes)
  bus.setHandlerSelection(settings.handlerSelection)
}
