import semver from 'semver'

/** Whether a plugin declares that it runs on this host version. */
export type Compatibility = 'compatible' | 'incompatible' | 'unknown'

// Released with the host at its version: a plugin's range of either is the host versions it runs on.
const HOST_PACKAGES = ['@switchyard/plugin-sdk', '@switchyard/core']

/**
 * The Switchyard range a package.json declares: `eventPlugin.host`, else the `peerDependencies` (then
 * `dependencies`) range of `@switchyard/plugin-sdk` (what plugins import) or `@switchyard/core`; null when it
 * declares none.
 *
 * @example
 * ```ts
 * hostRangeOf({ eventPlugin: { entry: './dist/index.js', host: '^0.1.0' } }) // '^0.1.0'
 * ```
 */
export function hostRangeOf(manifest: Readonly<Record<string, unknown>>): string | null {
  const plugin = manifest.eventPlugin
  if (
    typeof plugin === 'object' &&
    plugin !== null &&
    typeof (plugin as { host?: unknown }).host === 'string'
  ) {
    return (plugin as { host: string }).host
  }
  for (const field of ['peerDependencies', 'dependencies'])
    for (const name of HOST_PACKAGES) {
      const range = (manifest[field] as Record<string, unknown> | undefined)?.[name]
      if (typeof range === 'string' && semver.validRange(range)) return range
    }
  return null
}

/**
 * Checks a declared host range against the running version (prereleases included); a missing or
 * unparsable range is `unknown`.
 *
 * @example
 * ```ts
 * compatibilityOf('^0.1.0', '0.1.3') // 'compatible'
 * ```
 */
export function compatibilityOf(range: string | null, hostVersion: string): Compatibility {
  if (range === null || semver.validRange(range) === null) return 'unknown'
  return semver.satisfies(hostVersion, range, { includePrerelease: true }) ? 'compatible' : 'incompatible'
}
