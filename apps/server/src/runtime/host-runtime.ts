import type { LoadedConfig, PluginHost, SwitchyardConfig } from '@switchyard/host'
import type { EventLoopSample } from '../health/event-loop-monitor.js'
import type { ReadinessReport } from '../health/readiness.js'
import { loadPlugin } from './load-plugin.js'
import type { ReloadableMarketplace } from './marketplace-api.js'
import { locateMarketplaceIssues } from './open-marketplace.js'
import { redactConfig } from './redact-config.js'
import type { ServerRuntime } from './server-runtime.js'

/** What the server adds to the host: readiness, the marketplace and a hook on applied configurations. */
export interface HostRuntimeOptions {
  /** Reads and validates the configuration a reload would apply, without applying it (with its file, to place errors). */
  readConfig(): Promise<LoadedConfig>
  /** Called with each configuration a reload applied (the server swaps its auth settings). */
  onConfig(config: SwitchyardConfig): void | Promise<void>
  readiness(): Promise<ReadinessReport>
  /** The event loop's recent delay (`EventLoopMonitor.sample`). */
  eventLoop(): EventLoopSample
  marketplace: ReloadableMarketplace
}

/**
 * The `ServerRuntime` of a running `PluginHost`: the management API calls straight into the host.
 *
 * @example
 * ```ts
 * const runtime = hostRuntime(host, { readConfig, onConfig: (c) => access.update(...), readiness: () => readiness.check(), eventLoop: () => loop.sample(), marketplace })
 * ```
 */
export function hostRuntime(host: PluginHost, options: HostRuntimeOptions): ServerRuntime {
  return {
    bus: host.bus,
    store: host.store,
    plugins: () =>
      host.status().map((plugin) => {
        const signer = options.marketplace.signerOf(plugin.entry)
        return signer === undefined ? plugin : { ...plugin, signer }
      }),
    pluginHealth: (name) => host.pluginHealth(name),
    async pluginMetrics() {
      const all = await host.registry.getMetricsAsJSON()
      return { metrics: all.filter((metric) => metric.values.some((value) => 'plugin' in value.labels)) }
    },
    metricsText: () => host.metrics(),
    enable: (name) => host.enable(name),
    disable: (name) => host.disable(name),
    reload: (name) => host.reload(name),
    loadPlugin: (name, path) => loadPlugin(host, name, path),
    async reloadConfig() {
      const { marketplace } = options
      // The host knows nothing of the marketplace section: it is checked first, so an invalid one changes nothing.
      // Its errors name the file and line, as at start.
      const loaded = await options.readConfig()
      try {
        marketplace.check(loaded.config.marketplace)
      } catch (error) {
        throw locateMarketplaceIssues(error, loaded)
      }
      const config = await host.reloadConfig()
      marketplace.apply(config.marketplace)
      await options.onConfig(config)
      const { added, removed } = await host.rescan()
      return {
        reloaded: true,
        added,
        removed,
        plugins: host.status(),
        routeWarnings: host.bus.routeWarnings(),
      }
    },
    catalog: () => host.eventCatalog(),
    effectiveConfig: () => redactConfig(host.config, (name) => host.effectiveConfig(name)),
    pluginConfigSchema: (name) => host.pluginConfigSchema(name),
    pluginConfig: (name) => ({ plugin: name, config: host.effectiveConfig(name) ?? null }),
    services: (query) => host.services.discover(query),
    schedules: () => host.schedules.list(),
    async health() {
      const report = await host.health()
      const eventLoop = options.eventLoop()
      const status = eventLoop.stallMs !== undefined && report.status === 'ok' ? 'degraded' : report.status
      return { ...report, status, eventLoop }
    },
    readiness: options.readiness,
    pluginFetch: host.fetch,
    get marketplace() {
      return options.marketplace.enabled ? options.marketplace : null
    },
  }
}
