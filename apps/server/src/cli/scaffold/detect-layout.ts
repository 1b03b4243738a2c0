import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { parse } from 'yaml'

/** The package managers a standalone plugin's next steps may name. */
export type PackageManager = 'npm' | 'pnpm' | 'yarn'

/**
 * Where a new plugin lands: a member of a pnpm workspace (`root`, and the names of the workspace's packages, which
 * it can depend on with `workspace:^`), or a folder of its own installed with `packageManager`.
 */
export type PluginLayout =
  | { kind: 'workspace'; root: string; members: ReadonlySet<string>; packageManager: 'pnpm' }
  | { kind: 'standalone'; packageManager: PackageManager }

const LOCKFILES: [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['package-lock.json', 'npm'],
  ['yarn.lock', 'yarn'],
]

/**
 * Finds how the plugin folder `folder` (not made yet) will be installed: a member of the nearest pnpm workspace
 * above it when one of its `packages` globs covers it, else standalone with the package manager of the nearest
 * lockfile above it, else the one running this command (`npm_config_user_agent`), else npm.
 *
 * @example
 * ```ts
 * await detectLayout('/repo/plugins/order-metrics', process.env) // { kind: 'workspace', root: '/repo', ... }
 * ```
 */
export async function detectLayout(
  folder: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<PluginLayout> {
  let lockfileManager: PackageManager | undefined
  for (let dir = dirname(folder); ; dir = dirname(dir)) {
    const workspaceFile = join(dir, 'pnpm-workspace.yaml')
    if (existsSync(workspaceFile)) {
      const patterns = workspacePatterns(await readFile(workspaceFile, 'utf8'))
      if (patterns.some((pattern) => covers(pattern, relative(dir, folder))))
        return {
          kind: 'workspace',
          root: dir,
          members: await memberNames(dir, patterns),
          packageManager: 'pnpm',
        }
      return { kind: 'standalone', packageManager: 'pnpm' }
    }
    lockfileManager ??= LOCKFILES.find(([file]) => existsSync(join(dir, file)))?.[1]
    if (dirname(dir) === dir) break
  }
  const agent = env.npm_config_user_agent?.split('/')[0]
  const running = LOCKFILES.find(([, manager]) => manager === agent)?.[1]
  return { kind: 'standalone', packageManager: lockfileManager ?? running ?? 'npm' }
}

function workspacePatterns(text: string): string[] {
  const packages = (parse(text) as { packages?: unknown } | null)?.packages
  return Array.isArray(packages)
    ? packages.filter((p): p is string => typeof p === 'string' && !p.startsWith('!'))
    : []
}

// `plugins/*` covers `plugins/x`; `plugins/**` any depth below; anything else only itself.
function covers(pattern: string, path: string): boolean {
  const parts = path.split(sep).join('/')
  const clean = pattern.replace(/^\.\//, '').replace(/\/$/, '')
  if (clean.endsWith('/**')) return parts.startsWith(`${clean.slice(0, -3)}/`)
  if (clean.endsWith('/*')) return dirname(parts) === clean.slice(0, -2)
  return parts === clean
}

// The package names of the workspace's `dir/*` members (deeper globs are not needed for the SDK's packages).
async function memberNames(root: string, patterns: readonly string[]): Promise<Set<string>> {
  const names = new Set<string>()
  for (const pattern of patterns) {
    const base = pattern.replace(/^\.\//, '').replace(/\/\*+$/, '')
    const folders = pattern.includes('*')
      ? (await readdir(join(root, base), { withFileTypes: true }).catch(() => []))
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(root, base, entry.name))
      : [join(root, base)]
    for (const folder of folders) {
      const manifest = await readFile(join(folder, 'package.json'), 'utf8').catch(() => undefined)
      const name = manifest === undefined ? undefined : (JSON.parse(manifest) as { name?: unknown }).name
      if (typeof name === 'string') names.add(name)
    }
  }
  return names
}
