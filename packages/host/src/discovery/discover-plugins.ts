import { readdir, readFile, realpath } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import type { PluginCandidate } from './plugin-candidate.js'
import { readPluginPackage } from './read-plugin-package.js'

/** Where to look for plugins. */
export interface DiscoveryOptions {
  /** Folders holding plugin packages (and single-file plugins), relative to `cwd`. */
  directories: readonly string[]
  cwd: string
  /** The app's package.json whose dependencies are searched for `eventPlugin`; false to skip. */
  appPackageJson?: string | false
}

const SINGLE_FILE = new Set(['.js', '.mjs'])

/**
 * Finds plugins: each package folder under every directory (scoped `@scope/name` folders included) whose
 * package.json has `eventPlugin`, each `*.js` / `*.mjs` file in those directories, and each dependency of the
 * app's package.json that declares `eventPlugin`. A plugin reachable two ways is listed once.
 *
 * @example
 * ```ts
 * const candidates = await discoverPlugins({ directories: ['plugins'], cwd: process.cwd() })
 * ```
 */
export async function discoverPlugins(options: DiscoveryOptions): Promise<PluginCandidate[]> {
  const found: PluginCandidate[] = []
  for (const directory of options.directories)
    found.push(...(await scanDirectory(resolve(options.cwd, directory))))
  const appPackageJson = options.appPackageJson ?? join(options.cwd, 'package.json')
  if (appPackageJson !== false) found.push(...(await scanDependencies(appPackageJson)))
  const seen = new Set<string>()
  const unique: PluginCandidate[] = []
  for (const candidate of found) {
    const key = await realpath(candidate.entry).catch(() => candidate.entry)
    if (!seen.has(key)) {
      seen.add(key)
      unique.push(candidate)
    }
  }
  return unique
}

/**
 * The candidates in one directory (see `discoverPlugins`). A missing directory holds none.
 *
 * @example
 * ```ts
 * const candidates = await scanDirectory('/srv/app/.switchyard/plugins')
 * ```
 */
export async function scanDirectory(directory: string): Promise<PluginCandidate[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => [])
  const found = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(async (entry): Promise<PluginCandidate[]> => {
        const path = join(directory, entry.name)
        if (entry.isFile() || (entry.isSymbolicLink() && SINGLE_FILE.has(extname(entry.name)))) {
          return SINGLE_FILE.has(extname(entry.name)) ? [{ dir: directory, entry: path, source: 'file' }] : []
        }
        if (entry.name.startsWith('@')) return scanDirectory(path)
        const candidate = await readPluginPackage(path, 'directory')
        return candidate === undefined ? [] : [candidate]
      }),
  )
  return found.flat()
}

async function scanDependencies(packageJson: string): Promise<PluginCandidate[]> {
  let manifest: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
  try {
    manifest = JSON.parse(await readFile(packageJson, 'utf8'))
  } catch {
    return []
  }
  const names = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })
  const modules = join(resolve(packageJson, '..'), 'node_modules')
  const found = await Promise.all(names.map((name) => readPluginPackage(join(modules, name), 'dependency')))
  return found.filter((candidate) => candidate !== undefined)
}
