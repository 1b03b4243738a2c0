import type { PluginDescriptor } from '@switchyard/plugin-sdk'

/** One dependency of a plugin, normalised. */
export interface PluginDependency {
  name: string
  range: string
  optional: boolean
}

/**
 * The dependencies of a descriptor as one list: `dependencies` (a range, or `{ version, optional }`) and
 * `optionalDependencies`.
 *
 * @example
 * ```ts
 * pluginDependencies({ dependencies: { 'audit-log': '^1.0.0' } }) // [{ name: 'audit-log', range: '^1.0.0', optional: false }]
 * ```
 */
export function pluginDependencies(
  descriptor: Pick<PluginDescriptor, 'dependencies' | 'optionalDependencies'>,
): PluginDependency[] {
  const list: PluginDependency[] = []
  for (const [name, spec] of Object.entries(descriptor.dependencies ?? {})) {
    list.push(
      typeof spec === 'string'
        ? { name, range: spec, optional: false }
        : { name, range: spec.version, optional: spec.optional === true },
    )
  }
  for (const [name, range] of Object.entries(descriptor.optionalDependencies ?? {})) {
    list.push({ name, range, optional: true })
  }
  return list
}
