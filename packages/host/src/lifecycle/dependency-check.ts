import { PluginDependencyError, type PluginDescriptor } from '@switchyard/plugin-sdk'
import semver from 'semver'
import { pluginDependencies } from './plugin-dependencies.js'
import type { PluginRecord } from './plugin-record.js'

/** Whether a plugin's dependencies let it start: warnings, or the disabled dependency, or why it fails. */
export interface DependencyCheck {
  warnings: string[]
  /** A required dependency that is disabled: the plugin waits for it (parked, not failed). */
  blockedBy?: string
  error?: PluginDependencyError
}

/**
 * Checks a record's dependencies against the records running now: a required one must be started at a version in
 * its range; an optional one that is not running only warns.
 *
 * @example
 * ```ts
 * const check = checkDependencies(record, (name) => records.get(name))
 * ```
 */
export function checkDependencies(
  record: PluginRecord,
  lookup: (name: string) => PluginRecord | undefined,
): DependencyCheck {
  const warnings: string[] = []
  for (const dependency of pluginDependencies(record.descriptor as PluginDescriptor)) {
    const found = lookup(dependency.name)
    const version = found?.descriptor?.version
    const running = found?.state === 'started' && version !== undefined
    if (running && semver.satisfies(version, dependency.range, { includePrerelease: true })) continue
    const problem = !running
      ? found?.state === 'disabled'
        ? undefined
        : `dependency "${dependency.name}" ${found === undefined ? 'is missing' : `is ${found.state}`}`
      : `requires "${dependency.name}" ${dependency.range}, found ${version}`
    if (dependency.optional) {
      warnings.push(`optional dependency "${dependency.name}" is not running`)
    } else if (problem === undefined) {
      return { warnings, blockedBy: dependency.name }
    } else {
      const cause = found?.error
      const { chain, reason } =
        cause instanceof PluginDependencyError
          ? cause
          : { chain: [dependency.name], reason: cause?.message ?? problem }
      return { warnings, error: new PluginDependencyError([record.name, ...chain], reason) }
    }
  }
  return { warnings }
}
