import { Gauge, type Registry } from 'prom-client'
import type { PluginRecord } from '../lifecycle/plugin-record.js'

/**
 * Registers the host's own metrics, read from the plugin records at scrape time:
 * `switchyard_plugins{state}` (how many plugins are in each state) and `switchyard_plugin_reloads{plugin}`.
 *
 * @example
 * ```ts
 * registerHostMetrics(registry, () => plugins.list())
 * ```
 */
export function registerHostMetrics(registry: Registry, records: () => readonly PluginRecord[]): void {
  new Gauge({
    name: 'switchyard_plugins',
    help: 'Plugins by lifecycle state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset()
      for (const record of records()) this.inc({ state: record.state })
    },
  })
  new Gauge({
    name: 'switchyard_plugin_reloads',
    help: 'Reloads of each plugin since the host started',
    labelNames: ['plugin'],
    registers: [registry],
    collect() {
      this.reset()
      for (const record of records()) this.set({ plugin: record.name }, record.reloads)
    },
  })
}
