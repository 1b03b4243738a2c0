import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import semver from 'semver'
import { type PluginDependency, pluginDependencies } from './plugin-dependencies.js'

/** A plugin that cannot start because of its dependencies: the chain from it to the cause, and the cause. */
export interface DependencyFailure {
  chain: string[]
  reason: string
}

/** The result of `resolveStartOrder`. */
export interface StartOrder {
  /** Names of the plugins that can start, every dependency before its dependents. */
  order: string[]
  /** Plugins that cannot start, by name. */
  failures: Map<string, DependencyFailure>
  /** Optional dependencies that are missing or mismatched (the dependent starts anyway). */
  warnings: string[]
}

type Candidate = Pick<PluginDescriptor, 'name' | 'version' | 'dependencies' | 'optionalDependencies'>

/**
 * Orders plugins so each starts after its dependencies, checking every range with semver. A missing or
 * mismatched dependency, or a cycle, fails the plugins involved and every plugin depending on them (the chain
 * is kept); the others are ordered. Optional dependencies order the start when present and are otherwise
 * ignored with a warning.
 *
 * @example
 * ```ts
 * const { order, failures } = resolveStartOrder([auditLog, notifications])
 * failures.get('notifications') // { chain: ['notifications', 'mailer'], reason: 'missing dependency "mailer" (^1.0.0)' }
 * ```
 */
export function resolveStartOrder(plugins: readonly Candidate[]): StartOrder {
  const byName = new Map(plugins.map((plugin) => [plugin.name, plugin]))
  const failures = new Map<string, DependencyFailure>()
  const warnings: string[] = []
  const edges = new Map<string, PluginDependency[]>()
  for (const plugin of plugins) {
    const usable: PluginDependency[] = []
    for (const dependency of pluginDependencies(plugin)) {
      const problem = checkDependency(dependency, byName.get(dependency.name))
      if (problem === undefined) usable.push(dependency)
      else if (dependency.optional) warnings.push(`${plugin.name}: optional ${problem}`)
      else if (!failures.has(plugin.name))
        failures.set(plugin.name, { chain: [plugin.name], reason: problem })
    }
    edges.set(plugin.name, usable)
  }
  failCycles(plugins, edges, failures)
  const order: string[] = []
  const placed = new Set<string>()
  const visit = (name: string, path: string[]): DependencyFailure | undefined => {
    const known = failures.get(name)
    if (known !== undefined || placed.has(name)) return known
    if (path.includes(name)) return undefined // an optional edge closing a cycle: it only orders, so skip it
    for (const dependency of edges.get(name) ?? []) {
      const failed = visit(dependency.name, [...path, name])
      if (failed !== undefined && !dependency.optional) {
        const failure = { chain: [name, ...failed.chain], reason: failed.reason }
        failures.set(name, failure)
        return failure
      }
    }
    placed.add(name)
    order.push(name)
    return undefined
  }
  for (const plugin of plugins) visit(plugin.name, [])
  return { order, failures, warnings }
}

function checkDependency(dependency: PluginDependency, found: Candidate | undefined): string | undefined {
  if (found === undefined) return `missing dependency "${dependency.name}" (${dependency.range})`
  if (!semver.satisfies(found.version, dependency.range, { includePrerelease: true })) {
    return `requires "${dependency.name}" ${dependency.range}, found ${found.version}`
  }
  return undefined
}

// Cycles through required edges cannot be ordered: every member fails with the cycle spelled out.
function failCycles(
  plugins: readonly Candidate[],
  edges: Map<string, PluginDependency[]>,
  failures: Map<string, DependencyFailure>,
): void {
  const done = new Set<string>()
  const walk = (name: string, stack: string[]): void => {
    const at = stack.indexOf(name)
    if (at !== -1) {
      const cycle = [...stack.slice(at), name]
      for (const member of cycle) {
        if (!failures.has(member)) {
          failures.set(member, { chain: [member], reason: `dependency cycle ${cycle.join(' -> ')}` })
        }
      }
      return
    }
    if (done.has(name)) return
    for (const dependency of edges.get(name) ?? [])
      if (!dependency.optional) walk(dependency.name, [...stack, name])
    done.add(name)
  }
  for (const plugin of plugins) walk(plugin.name, [])
}
