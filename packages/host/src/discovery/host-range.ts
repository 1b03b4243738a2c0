import { createRequire } from 'node:module'
import semver from 'semver'

/** The running Switchyard version, the one `eventPlugin.host` ranges are checked against (as the marketplace does). */
export const HOST_VERSION = (
  createRequire(import.meta.url)('@switchyard/core/package.json') as { version: string }
).version

/**
 * Why a package's `eventPlugin.host` range refuses this host, or undefined when it accepts it (prereleases
 * included) or declares none.
 *
 * @example
 * ```ts
 * hostRangeProblem('^2.0.0', '0.1.0')
 * // 'eventPlugin.host "^2.0.0" does not include the running Switchyard version 0.1.0: install a release of the plugin made for it'
 * ```
 */
export function hostRangeProblem(range: string | undefined, version = HOST_VERSION): string | undefined {
  if (range === undefined) return undefined
  if (semver.validRange(range) === null) return `eventPlugin.host: expected a semver range, got "${range}"`
  if (semver.satisfies(version, range, { includePrerelease: true })) return undefined
  return `eventPlugin.host "${range}" does not include the running Switchyard version ${version}: install a release of the plugin made for it`
}
