import { isAbsolute, relative, resolve } from 'node:path'
import type { IsolationMode, SwitchyardConfig } from '../config/config-schema.js'
import type { PluginCandidate } from '../discovery/plugin-candidate.js'
import { faultLimitOf } from '../faults/fault-limit-of.js'

/** How one plugin runs and the limits of its sandbox. */
export interface IsolationSettings {
  mode: IsolationMode
  /** Heap limit of the sandbox (`limits.memory_mb`); 256 by default. */
  memoryMb: number
  /** A sandbox silent for this long is terminated (`limits.unresponsive_ms`); 5,000 by default. */
  unresponsiveMs: number
  /** Restarts within `windowMs` that fail the plugin (`limits.max_restarts`); 5 by default. */
  maxRestarts: number
  /** The window of `maxRestarts`: the plugin's `fault_window_ms` (60 s by default). */
  windowMs: number
}

/** The defaults of DESIGN.md's "Isolation" section. */
export const DEFAULT_ISOLATION_LIMITS = { memoryMb: 256, unresponsiveMs: 5000, maxRestarts: 5 } as const

/**
 * The isolation of one plugin: `plugins.<name>.isolation`, else `marketplace.isolation` for a plugin found in the
 * marketplace's install folder, else `plugin_defaults.isolation`; limits key by key from `plugins.<name>.limits`,
 * then `plugin_defaults.limits`, then the defaults.
 *
 * @example
 * ```ts
 * isolationOf(config, 'audit-log', candidate, process.cwd()) // { mode: 'none', memoryMb: 256, ... }
 * ```
 */
export function isolationOf(
  config: Pick<SwitchyardConfig, 'plugins' | 'plugin_defaults' | 'marketplace'>,
  plugin: string,
  candidate: PluginCandidate | undefined,
  cwd: string,
  /** Count the plugin as installed by the marketplace wherever it is (a staged package); by its folder when unset. */
  installedAnywhere?: boolean,
): IsolationSettings {
  const entry = config.plugins[plugin]
  const defaults = config.plugin_defaults
  const installed =
    installedAnywhere ??
    (candidate !== undefined && inside(resolve(cwd, config.marketplace.install_dir), candidate.dir))
  const mode =
    entry?.isolation ?? (installed ? config.marketplace.isolation : undefined) ?? defaults.isolation
  const own = entry?.limits ?? {}
  return {
    mode,
    memoryMb: own.memory_mb ?? defaults.limits.memory_mb ?? DEFAULT_ISOLATION_LIMITS.memoryMb,
    unresponsiveMs:
      own.unresponsive_ms ?? defaults.limits.unresponsive_ms ?? DEFAULT_ISOLATION_LIMITS.unresponsiveMs,
    maxRestarts: own.max_restarts ?? defaults.limits.max_restarts ?? DEFAULT_ISOLATION_LIMITS.maxRestarts,
    windowMs: faultLimitOf(config, plugin).windowMs,
  }
}

function inside(folder: string, path: string): boolean {
  const rest = relative(folder, path)
  return rest === '' || (!rest.startsWith('..') && !isAbsolute(rest))
}
