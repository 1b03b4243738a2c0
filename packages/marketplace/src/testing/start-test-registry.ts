import { execFile } from 'node:child_process'
import { access, cp, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { runServer } from 'verdaccio'
import { type PluginSpec, writePlugin } from './plugin-fixture.js'

const run = promisify(execFile)

/** A Verdaccio registry on loopback with a throwaway storage folder and a logged-in user. */
export interface TestRegistry {
  /** The registry URL, with a trailing slash. */
  url: string
  /** The user's bearer token. */
  token: string
  /** An npmrc file holding the token (`//127.0.0.1:<port>/:_authToken=...`). */
  npmrc: string
  /** Writes a fixture plugin and publishes it with `npm publish`. */
  publish(spec: PluginSpec): Promise<void>
  /** Publishes a package folder as a release does: `pnpm publish` (workspace ranges rewritten). */
  publishDir(dir: string): Promise<void>
  /**
   * Publishes the copies of third-party packages installed for `fromDir`, with their production dependencies
   * (a plugin's valibot, say), so installs resolve them here without an uplink to the public registry.
   */
  publishInstalled(names: readonly string[], fromDir: string): Promise<void>
  /** Where Verdaccio keeps a published tarball (tests tamper with it). */
  tarballPath(name: string, version: string): string
  close(): Promise<void>
}

/** Options of `startTestRegistry`. */
export interface TestRegistryOptions {
  /** Reading packages needs the token. */
  authenticated?: boolean
}

/**
 * Starts Verdaccio (an optional peer dependency) in this process on a free loopback port, with a
 * throwaway storage and a user whose token is in `npmrc`. Close it in `afterAll`.
 *
 * @example
 * ```ts
 * const registry = await startTestRegistry()
 * await registry.publishDir('plugins/audit-log')
 * const marketplace = new Marketplace({ config: { registry: registry.url, token: registry.token }, hostVersion })
 * await registry.close()
 * ```
 */
export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-verdaccio-'))
  const storage = join(dir, 'storage')
  const access = options.authenticated ? '$authenticated' : '$all'
  const own = { access, publish: '$authenticated', unpublish: '$authenticated' }
  const config = {
    self_path: dir,
    storage,
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 10 } },
    packages: {
      '@switchyard/*': own,
      '**': own,
    },
    logs: { type: 'stdout', format: 'pretty', level: 'fatal' },
    web: { enable: false },
  }
  const server: Server = await runServer(config as unknown as string)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const response = await fetch(`${url}-/user/org.couchdb.user:tester`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'tester', password: 'tester-password' }),
  })
  const { token } = (await response.json()) as { token: string }
  const npmrc = join(dir, 'npmrc')
  await writeFile(npmrc, `${url.replace(/^http:/, '')}:_authToken=${token}\n`)
  const env = { ...process.env, npm_config_userconfig: npmrc }
  let published = 0
  const publishedInstalled = new Set<string>()
  // Publishes an installed package and, first, its production dependencies (found as Node finds them from
  // where it is installed); workspace packages are left to the test.
  async function publishClosure(name: string, fromDir: string): Promise<void> {
    if (publishedInstalled.has(name) || name.startsWith('@switchyard/')) return
    publishedInstalled.add(name)
    const installed = await installedPackageDir(name, fromDir)
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>
    }
    for (const dependency of Object.keys(manifest.dependencies ?? {}))
      await publishClosure(dependency, installed)
    // npm cannot pack a folder inside pnpm's store layout (it walks up into the workspace): publish a copy.
    const copy = join(dir, 'installed', name)
    await cp(installed, copy, { recursive: true, dereference: true })
    await run('npm', ['publish', '--ignore-scripts', '--registry', url], { cwd: copy, env })
  }
  return {
    url,
    token,
    npmrc,
    async publish(spec) {
      const packageDir = join(dir, 'packages', String(++published))
      await writePlugin(packageDir, spec)
      await run('npm', ['publish', '--registry', url], { cwd: packageDir, env })
    },
    async publishDir(packageDir) {
      await run('pnpm', ['publish', '--registry', url, '--no-git-checks'], { cwd: packageDir, env })
    },
    async publishInstalled(names, fromDir) {
      for (const name of names) await publishClosure(name, fromDir)
    },
    tarballPath: (name, version) => join(storage, name, `${name.replace(/^@.*\//, '')}-${version}.tgz`),
    async close() {
      await new Promise((resolve) => server.close(resolve))
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** The folder of `name` as Node resolves it from `fromDir`: the nearest `node_modules/<name>` up the tree. */
async function installedPackageDir(name: string, fromDir: string): Promise<string> {
  for (let dir = await realpath(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    try {
      await access(join(candidate, 'package.json'))
      return await realpath(candidate)
    } catch {
      if (dirname(dir) === dir) throw new Error(`${name} is not installed for ${fromDir}`)
    }
  }
}
