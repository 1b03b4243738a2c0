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

/** The file work of an upgrade, run by a `replace` hook while no version of the plugin runs. */
export interface ReplaceSteps {
  /** Moves the old files aside and the new ones into place, and records the new version in the lockfile. */
  prepare(): Promise<void>
  /** Puts the old files and lock entry back (a no-op unless `prepare` completed). */
  revert(): Promise<void>
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
 *   replace: (plugin, steps) => host.replacePlugin(plugin.name, plugin.dir, steps),
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
  /**
   * Upgrade a running plugin in one step instead of `stop` then `start`, so no event is lost in between: stop
   * the old version (holding its deliveries), call `steps.prepare()` (the new files move into `plugin.dir` and
   * the lockfile is written), start the new version. If that fails, call `steps.revert()` (old files and lock
   * back), start the old version again and throw.
   */
  replace?(plugin: PluginPackage, steps: ReplaceSteps): unknown
  /** Names of the plugins that depend on this one; uninstall refuses while there are any, unless forced. */
  dependents?(name: string): readonly string[] | Promise<readonly string[]>
  /**
   * Forget the plugin's state (config, KV, status) after uninstall removed its files; with `purge`, delete its SQL
   * data (`ctx.db`) too.
   */
  forget?(name: string, options: { purge: boolean }): unknown
}
