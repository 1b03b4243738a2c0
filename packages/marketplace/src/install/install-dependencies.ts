import { execFile } from 'node:child_process'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DependencyInstallError } from '../errors.js'
import { pathExists } from './path-exists.js'
import type { PluginManifest } from './plugin-manifest.js'

/** How `npm install` runs for a staged plugin. */
export interface DependencyInstallOptions {
  /** Packages the host already provides (exact names or `@scope/*`); the plugin resolves them up the tree. */
  provided: readonly string[]
  registry: string | null
  token: string | null
  timeoutMs: number
  npmCommand: string
}

/**
 * Installs a staged plugin's runtime dependencies (less those the host provides) into its `node_modules`:
 * `npm install --omit=dev --ignore-scripts` in `workDir` beside it, the provided packages npm brought in as
 * dependencies of dependencies taken out again, then a rename. Nothing to install, or a package that ships its
 * own `node_modules`, runs nothing. Resolves to the number of dependencies npm was asked for (0 when it did not run).
 *
 * @example
 * ```ts
 * await installDependencies(stagedDir, join(staging, 'deps'), manifest, options)
 * ```
 */
export async function installDependencies(
  pluginDir: string,
  workDir: string,
  manifest: PluginManifest,
  options: DependencyInstallOptions,
): Promise<number> {
  const wanted = Object.entries(manifest.dependencies).filter(([name]) => !isProvided(name, options.provided))
  const bundled = await pathExists(join(pluginDir, 'node_modules'))
  if (wanted.length === 0 || bundled) return 0
  await mkdir(workDir, { recursive: true })
  const json = {
    name: 'switchyard-plugin-dependencies',
    private: true,
    dependencies: Object.fromEntries(wanted),
  }
  await writeFile(join(workDir, 'package.json'), JSON.stringify(json, null, 2))
  const args = ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock']
  // peers are the host's own packages: installing copies of them would split module identity
  args.push('--legacy-peer-deps')
  if (options.registry !== null) {
    args.push('--registry', options.registry)
    if (options.token)
      await writeFile(join(workDir, '.npmrc'), npmrc(options.registry, options.token), { mode: 0o600 })
  }
  await run(options.npmCommand, args, workDir, options.timeoutMs, manifest.name)
  // A dependency (another first-party package) may pull in the host's packages: the plugin must share the host's.
  await Promise.all(
    options.provided.map((pattern) =>
      rm(join(workDir, 'node_modules', pattern.replace(/\/\*$/, '')), { recursive: true, force: true }),
    ),
  )
  await rename(join(workDir, 'node_modules'), join(pluginDir, 'node_modules'))
  return wanted.length
}

function isProvided(name: string, provided: readonly string[]): boolean {
  return provided.some((pattern) =>
    pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
  )
}

function npmrc(registry: string, token: string): string {
  const url = new URL(registry)
  return `//${url.host}${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}:_authToken=${token}\n`
}

function run(command: string, args: string[], cwd: string, timeoutMs: number, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve()
        const reason = error.killed
          ? `no result within ${timeoutMs} ms`
          : lastLines(String(stderr) || error.message)
        reject(new DependencyInstallError(name, reason, { cause: error }))
      },
    )
  })
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ')
}
