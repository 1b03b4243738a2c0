import type { PluginHost, SwitchyardConfig } from '@switchyard/host'
import type { MarketplaceApi, ServerRuntime } from './server-runtime.js'

/** What the server adds to the host: readiness, the marketplace and a hook on applied configurations. */
export interface HostRuntimeOptions {
  /** Called with each configuration a reload applied (the server swaps its auth settings). */
  onConfig(config: SwitchyardConfig): void
  isReady(): boolean
  marketplace: MarketplaceApi | null
}

/**
 * The `ServerRuntime` of a running `PluginHost`: the management API calls straight into the host.
 *
 * @example
 * ```ts
 * const runtime = hostRuntime(host, { onConfig: (c) => access.update(...), isReady: () => true, marketplace: null })
 * ```
 */
export function hostRuntime(host: PluginHost, options: HostRuntimeOptions): ServerRuntime {
  return {
    bus: host.bus,
    store: host.store,
    plugins: () => host.status(),
    pluginHealth: (name) => host.pluginHealth(name),
    async pluginMetrics() {
      const all = await host.registry.getMetricsAsJSON()
      return { metrics: all.filter((metric) => metric.values.some((value) => 'plugin' in value.labels)) }
    },
    metricsText: () => host.metrics(),
    enable: (name) => host.enable(name),
    disable: (name) => host.disable(name),
    reload: (name) => host.reload(name),
    async reloadConfig() {
      const config = await host.reloadConfig()
      options.onConfig(config)
      return { reloaded: true, plugins: host.status(), routeWarnings: host.bus.routeWarnings() }
    },
    catalog: () => host.eventCatalog(),
    health: () => host.health(),
    isReady: options.isReady,
    pluginFetch: host.fetch,
    marketplace: options.marketplace,
  }
}
