import { join, sep } from 'node:path'
import type { PluginHost } from '@switchyard/host'
import {
  type InstalledPlugin,
  Marketplace,
  MarketplaceConfigError,
  type MarketplaceHooks,
  type MarketplaceOptions,
} from '@switchyard/marketplace'
import type { MarketplaceApi } from './server-runtime.js'

/** What the server builds each `Marketplace` from, besides the `marketplace:` section. */
export type MarketplaceSettings = Omit<MarketplaceOptions, 'config' | 'hooks'>

/** The server's marketplace: the API operations, plus the swap a configuration reload makes. */
export interface ReloadableMarketplace extends MarketplaceApi {
  /** The `enabled` flag of the section in use. */
  readonly enabled: boolean
  /**
   * Builds the marketplace of a `marketplace:` section without using it: throws `E_CONFIG` when the section is
   * invalid or moves `install_dir` (the host searches the folder it was given at start; that needs a restart).
   */
  check(section: unknown): void
  /** Checks a section, then uses it from the next operation on; an operation in flight ends on the old one. */
  apply(section: unknown): void
  /**
   * Who signed the marketplace-installed plugin whose entry module is `entry` (a key id or `unsigned`); undefined
   * for a plugin the marketplace did not install. Answered from the lockfile as last read (`refresh`).
   */
  signerOf(entry: string): string | undefined
  /** Reads the lockfile's signers again; operations do it themselves when they end. */
  refresh(): Promise<void>
}

/**
 * Connects the marketplace to the running host: a staged package must load (`inspectPlugin`) before it is moved
 * into place, an installed one is added and started without a restart, an upgraded one is swapped in by
 * `replacePlugin` without losing events (its files move inside the swap), an uninstalled one is stopped, removed
 * and its stored state and KV forgotten (its SQL data too with `purge`). Package names (`@acme/plugin-x`) are mapped to plugin names through
 * the folder the host loaded the plugin from. Operations run one at a time across configuration reloads.
 *
 * @example
 * ```ts
 * const api = marketplaceApi(host, marketplace, { hostVersion, cwd })
 * await api.install({ name: '@switchyard/plugin-audit-log' })
 * api.apply(nextConfig.marketplace) // on reload-config
 * ```
 */
export function marketplaceApi(
  host: PluginHost,
  initial: Marketplace,
  settings: MarketplaceSettings,
): ReloadableMarketplace {
  let marketplace = initial
  let queue: Promise<unknown> = Promise.resolve()
  // Package folder (with a trailing separator) -> signer, from the lockfile.
  let signers = new Map<string, string>()
  const refresh = async () => {
    const installed = await marketplace.installed()
    signers = new Map(installed.map((plugin) => [plugin.dir + sep, plugin.signer]))
  }
  // Each operation reads `marketplace` when its turn comes, so a swap never runs two at once on one folder.
  const exclusive = <T>(work: (current: Marketplace) => Promise<T>): Promise<T> => {
    const run = queue.then(() => work(marketplace)).finally(refresh)
    queue = run.catch(() => undefined)
    return run
  }
  const build = (section: unknown): Marketplace => {
    const next = new Marketplace({ ...settings, config: section as MarketplaceOptions['config'] })
    if (next.installDir !== initial.installDir)
      throw new MarketplaceConfigError('install_dir: changing it needs a restart', [
        {
          path: ['install_dir'],
          message: `changing it needs a restart (in use: ${initial.installDir}, configured: ${next.installDir})`,
        },
      ])
    return next
  }
  const hooks = hostHooks(host, initial.installDir)
  return {
    get enabled() {
      return marketplace.enabled
    },
    list: () => marketplace.catalog(),
    install: (request, options) =>
      exclusive(async (current) => withIsolation(host, await current.install(request, hooks, options))),
    upgrade: (name, version, options) =>
      exclusive((current) => current.upgrade(name, version, hooks, options)),
    uninstall: (name, options) => exclusive((current) => current.uninstall(name, hooks, options)),
    check(section) {
      build(section)
    },
    apply(section) {
      marketplace = build(section)
    },
    signerOf(entry) {
      for (const [dir, signer] of signers) if (entry.startsWith(dir)) return signer
      return undefined
    },
    refresh,
  }
}

// The install answer says where the new plugin runs (`marketplace.isolation`): none, worker or process.
function withIsolation(
  host: PluginHost,
  installed: InstalledPlugin,
): InstalledPlugin & { isolation: string } {
  const dir = installed.dir + sep
  const status = host.status().find((plugin) => plugin.entry.startsWith(dir))
  return { ...installed, isolation: status?.isolation?.mode ?? 'none' }
}

/** The marketplace's hooks on a host whose plugins installed from `installDir` live in `<installDir>/<package>`. */
function hostHooks(host: PluginHost, installDir: string): MarketplaceHooks {
  const pluginIn = (pkg: string): string | undefined => {
    const dir = join(installDir, pkg) + sep
    return host.status().find((plugin) => plugin.entry.startsWith(dir))?.name
  }
  // Between `stop` and `forget` the plugin is gone from the host: remember which one it was.
  const removed = new Map<string, string>()
  return {
    verify: (staged) => host.inspectPlugin(staged.dir),
    start: (pkg) => host.addPlugin(pkg.dir),
    // An upgrade: one drained swap in the host, the files moving while the plugin's deliveries are held.
    async replace(pkg, steps) {
      const plugin = pluginIn(pkg.name)
      if (plugin !== undefined) {
        await host.replacePlugin(plugin, pkg.dir, steps)
        return
      }
      // The host holds no plugin from that folder: nothing runs, so nothing to drain.
      await steps.prepare()
      await host.addPlugin(pkg.dir).catch(async (error: unknown) => {
        await steps.revert()
        throw error
      })
    },
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
    async forget(pkg, { purge }) {
      const plugin = removed.get(pkg)
      removed.delete(pkg)
      if (plugin === undefined) return
      await host.store.forgetPlugin(plugin)
      if (purge) await host.purgePluginData(plugin)
    },
  }
}
