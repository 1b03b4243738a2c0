/** A plugin package on disk, staged or installed. */
export interface PluginPackage {
  name: string
  version: string
  /** The package folder. */
  dir: string
  /** Absolute path of the module its `eventPlugin` field names. */
  entry: string
  /** Its package.json. */
  manifest: Readonly<Record<string, unknown>>
}

/**
 * What the marketplace asks of the host around an install, upgrade or uninstall; every hook is optional
 * and may be async. A hook that throws aborts the operation and the marketplace puts the files and the
 * lockfile back as they were.
 *
 * @example
 * ```ts
 * const hooks: MarketplaceHooks = {
 *   verify: (staged) => host.checkPlugin(staged.dir),
 *   start: (plugin) => host.addPlugin(plugin.dir),
 *   stop: (name) => host.removePlugin(name),
 *   dependents: (name) => host.dependentsOf(name),
 * }
 * ```
 */
export interface MarketplaceHooks {
  /** Load and validate the plugin in its staging folder (import it, check it, run setup in a sandbox). */
  verify?(staged: PluginPackage): unknown
  /** Start the plugin from its final folder. On upgrade the old version was stopped before. */
  start?(plugin: PluginPackage): unknown
  /** Stop a running plugin (before an upgrade swaps its files, or before uninstall). */
  stop?(name: string): unknown
  /** Names of the plugins that depend on this one; uninstall refuses while there are any, unless forced. */
  dependents?(name: string): readonly string[] | Promise<readonly string[]>
  /** Forget the plugin's state (config, KV, status) after uninstall removed its files. */
  forget?(name: string): unknown
}
