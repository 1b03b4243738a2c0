import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * The folders a process sandbox may read: each of `roots` (the plugin's folder, the sandbox's own package) and
 * every package they depend on, transitively, found as Node would resolve them (`node_modules` folders from
 * each package upwards) and given by their real path, which is what Node's permission model checks. Nothing
 * else: not the configuration file, not the data folder, not other plugins.
 *
 * @example
 * ```ts
 * readAllowList(['/srv/plugins/audit-log', hostPackageDir]) // ['/srv/plugins/audit-log', '/srv/node_modules/.pnpm/hono@4…/node_modules/hono', …]
 * ```
 */
export function readAllowList(roots: readonly string[]): string[] {
  const seen = new Set<string>()
  const pending = roots.filter(existsSync).map((root) => realpathSync(root))
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    if (seen.has(dir)) continue
    seen.add(dir)
    for (const name of dependencyNames(dir)) {
      const found = locatePackage(dir, name)
      if (found !== undefined && !seen.has(found)) pending.push(found)
    }
  }
  return [...seen]
}

function dependencyNames(dir: string): string[] {
  let manifest: Record<string, unknown>
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>
  } catch {
    return []
  }
  const names = new Set<string>()
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = manifest[field]
    if (typeof deps === 'object' && deps !== null) for (const name of Object.keys(deps)) names.add(name)
  }
  return [...names]
}

function locatePackage(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate)
    if (dirname(dir) === dir) return undefined
  }
}
