/** Where a plugin was found: a plugin directory, an app dependency, a single file, or given in code (`inline`). */
export type PluginSourceKind = 'directory' | 'dependency' | 'file' | 'inline'

/**
 * A plugin found on disk (or given in code), before it is imported. `problem` is set when its manifest is
 * unusable (no entry, missing entry file, malformed `eventPlugin`); such a candidate fails with that reason.
 */
export interface PluginCandidate {
  /** The package folder, or the folder holding a single-file plugin. */
  dir: string
  /** Absolute path of the module to import; for an inline plugin, where it was given (`plugins[0]`). */
  entry: string
  source: PluginSourceKind
  /** The module of an inline plugin, already in memory: it is read instead of importing `entry`. */
  module?: Readonly<Record<string, unknown>>
  /**
   * The plugin's name as its package.json declares it (`eventPlugin.name`): known before anything of it runs, so
   * the host can tell how it is isolated without reading its manifest in a sandbox first. Its module must agree.
   */
  declaredName?: string
  /** The package's name and version, when it is a package. */
  packageName?: string
  packageVersion?: string
  /** The package.json `author` (its name) and `license`, the defaults of the plugin's own fields. */
  packageMeta?: { author?: string; license?: string }
  problem?: string
}
