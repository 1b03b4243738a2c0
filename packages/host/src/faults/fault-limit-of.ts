import type { PluginLimitsConfig, SwitchyardConfig } from '../config/config-schema.js'
import { DEFAULT_FAULT_LIMIT, type FaultLimit } from './plugin-faults.js'

/**
 * The fault limit of one plugin: `plugins.<name>.limits`, else `plugin_defaults.limits`, else `fallback` (the
 * host's `faultLimit` option), else 5 faults within 60 s, key by key.
 *
 * @example
 * ```ts
 * faultLimitOf(config, 'audit-log') // { maxFaults: 5, windowMs: 60000 } with nothing configured
 * ```
 */
export function faultLimitOf(
  config: Pick<SwitchyardConfig, 'plugins' | 'plugin_defaults'>,
  plugin: string,
  fallback: Partial<FaultLimit> = {},
): FaultLimit {
  const own: PluginLimitsConfig = config.plugins[plugin]?.limits ?? {}
  const defaults = config.plugin_defaults.limits
  return {
    maxFaults: own.max_faults ?? defaults.max_faults ?? fallback.maxFaults ?? DEFAULT_FAULT_LIMIT.maxFaults,
    windowMs:
      own.fault_window_ms ?? defaults.fault_window_ms ?? fallback.windowMs ?? DEFAULT_FAULT_LIMIT.windowMs,
  }
}
