import type { PluginContext } from '@switchyard/plugin-sdk'
import type { Provider } from '../providers/provider.js'

/** Where a plugin runs and, when isolated, how its sandbox is doing (status `isolation`). */
export interface IsolationStatus {
  mode: 'none' | 'worker' | 'process'
  state?: string
  pid?: number
  threadId?: number
  restarts?: number
  lastExit?: { reason: string; detail: string; at: string }
  memory?: { heapUsedBytes: number; rssBytes: number }
}

/**
 * Runs a plugin's own code for a `PluginRuntime` somewhere other than the host's thread: `setup` runs the
 * plugin's setup against the real ctx, `stop` runs its `stop` and ends wherever it ran. The runtime keeps
 * everything else (registrations, drain, health aggregation). Without an engine the runtime calls the plugin
 * in-process.
 *
 * @example
 * ```ts
 * const runtime = new PluginRuntime(descriptor, config, services, new IsolatedEngine(options))
 * ```
 */
export interface PluginEngine {
  setup(ctx: PluginContext): Promise<void>
  stop(): Promise<void>
  /** The plugin's routes relative to its mount (its own Hono app lives elsewhere). */
  routes(): { method: string; path: string }[]
  isolation(): IsolationStatus
  /** What the plugin `provides`, called where it runs; undefined when it provides nothing. */
  provider(): Provider | undefined
}
