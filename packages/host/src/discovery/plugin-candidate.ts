/** Where a plugin was found. */
export type PluginSourceKind = 'directory' | 'dependency' | 'file'

/**
 * A plugin found on disk, before it is imported. `problem` is set when its manifest is unusable (no entry,
 * missing entry file, malformed `eventPlugin`); such a candidate fails with that reason.
 */
export interface PluginCandidate {
  /** The package folder, or the folder holding a single-file plugin. */
  dir: string
  /** Absolute path of the module to import. */
  entry: string
  source: PluginSourceKind
  /** The package's name and version, when it is a package. */
  packageName?: string
  packageVersion?: string
  problem?: string
}
