import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { runServer } from 'verdaccio'
import { type PluginSpec, writePlugin } from './plugin-package.js'

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
  /** Where Verdaccio keeps a published tarball (tests tamper with it). */
  tarballPath(name: string, version: string): string
  close(): Promise<void>
}

/**
 * Starts Verdaccio in this process on a free port. With `authenticated`, reading packages needs the token.
 *
 * @example
 * ```ts
 * const registry = await startRegistry()
 * await registry.publish({ name: 'demo-plugin', version: '1.0.0' })
 * await registry.close()
 * ```
 */
export async function startRegistry(options: { authenticated?: boolean } = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-verdaccio-'))
  const storage = join(dir, 'storage')
  const access = options.authenticated ? '$authenticated' : '$all'
  const config = {
    self_path: dir,
    storage,
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 10 } },
    uplinks: {},
    packages: { '**': { access, publish: '$authenticated', unpublish: '$authenticated' } },
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
  let published = 0
  return {
    url,
    token,
    npmrc,
    async publish(spec) {
      const packageDir = join(dir, 'packages', String(++published))
      await writePlugin(packageDir, spec)
      await run('npm', ['publish', '--registry', url, '--userconfig', npmrc, '--no-audit'], {
        cwd: packageDir,
      })
    },
    tarballPath: (name, version) => join(storage, name, `${name.replace(/^@.*\//, '')}-${version}.tgz`),
    async close() {
      await new Promise((resolve) => server.close(resolve))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
