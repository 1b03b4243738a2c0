import { join, sep } from 'node:path'
import type { PluginHost } from '@switchyard/host'
import type { Marketplace, MarketplaceHooks } from '@switchyard/marketplace'
import type { MarketplaceApi } from './server-runtime.js'

/**
 * Connects the marketplace to the running host: a staged package must load (`inspectPlugin`) before it is moved
 * into place, an installed one is added and started without a restart, an uninstalled one is stopped, removed
 * and its stored state and KV forgotten. Package names (`@acme/plugin-x`) are mapped to plugin names through
 * the folder the host loaded the plugin from.
 *
 * @example
 * ```ts
 * const api = marketplaceApi(host, new Marketplace({ config: config.marketplace, hostVersion }))
 * await api.install({ name: '@switchyard/plugin-audit-log' })
 * ```
 */
export function marketplaceApi(host: PluginHost, marketplace: Marketplace): MarketplaceApi {
  const pluginIn = (pkg: string): string | undefined => {
    const dir = join(marketplace.installDir, pkg) + sep
    return host.status().find((plugin) => plugin.entry.startsWith(dir))?.name
  }
  // Between `stop` and `forget` the plugin is gone from the host: remember which one it was.
  const removed = new Map<string, string>()
  const hooks: MarketplaceHooks = {
    verify: (staged) => host.inspectPlugin(staged.dir),
    start: (pkg) => host.addPlugin(pkg.dir),
    async stop(pkg) {
      const plugin = pluginIn(pkg)
      if (plugin === undefined) return
      removed.set(pkg, plugin)
      await host.removePlugin(plugin)
    },
    dependents(pkg) {
      const plugin = pluginIn(pkg)
      if (plugin === undefined) return []
      return host
        .status()
        .filter((other) => other.dependencies.some((dependency) => dependency.name === plugin))
        .map((other) => other.name)
    },
    async forget(pkg) {
      const plugin = removed.get(pkg)
      removed.delete(pkg)
      if (plugin !== undefined) await host.store.forgetPlugin(plugin)
    },
  }
  return {
    list: () => marketplace.catalog(),
    install: (request) => marketplace.install(request, hooks),
    uninstall: (name) => marketplace.uninstall(name, hooks),
  }
}
