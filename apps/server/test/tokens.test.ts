import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type FaultDir, faultDir } from './support/fault-server.js'
import { runCli } from './support/run-cli.js'
import { type ServerProcess, startServerProcess } from './support/server-process.js'
import { stopAndRemove } from './support/stop-and-remove.js'
import { testConfig, waitFor } from './support/test-server.js'

// Server and CLI processes: seconds apiece on a loaded machine.
vi.setConfig({ testTimeout: 90_000 })

let dir: FaultDir | undefined
let server: ServerProcess | undefined

// Stopping or removing again what an earlier test ended does nothing.
afterEach(() => stopAndRemove(server, dir))

/** A config with no token at all and the SQLite store (so a data folder) in a temporary folder. */
async function noTokenApp(server: Record<string, unknown> = {}): Promise<FaultDir> {
  const made = await faultDir({})
  await made.write(
    testConfig({
      server: { host: '127.0.0.1', port: 0, ...server },
      auth: { tokens: [] },
      plugin_directories: [],
      storage: { driver: 'sqlite', path: join(made.path, 'data', 'switchyard.db') },
    }),
  )
  return made
}

const get = (path: string, token?: string) =>
  fetch(`${server!.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {})

/** Polls until `path` answers `status` with `token`: the server re-reads the token file within a second. */
const answers = (path: string, token: string | undefined, status: number) =>
  waitFor(async () => ((await get(path, token)).status === status ? true : undefined), 10_000)

describe('persistent tokens', () => {
  it('keeps the generated admin token across a restart, hashed in the data folder', async () => {
    dir = await noTokenApp()
    server = await startServerProcess(dir.configFile)
    const token = /export SWITCHYARD_TOKEN=(\S+)/.exec(server.output())?.[1]
    expect(token, server.output()).toBeDefined()
    expect(server.output()).toContain(join(dir.path, 'data', 'tokens.json'))
    expect((await get('/api/v1/events/plugins', token)).status).toBe(200)

    const file = join(dir.path, 'data', 'tokens.json')
    const text = await readFile(file, 'utf8')
    expect(text).not.toContain(token)
    expect(JSON.parse(text).tokens).toEqual([expect.objectContaining({ name: 'admin', scopes: ['admin'] })])
    expect((await stat(file)).mode & 0o777).toBe(0o600)

    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    server = await startServerProcess(dir.configFile)
    expect(server.output()).not.toContain('SWITCHYARD_TOKEN')
    expect((await get('/api/v1/events/plugins', token)).status).toBe(200)
  })

  it('makes, lists and revokes tokens with the CLI while the server runs', async () => {
    dir = await noTokenApp()
    server = await startServerProcess(dir.configFile)
    const config = ['--config', dir.configFile]
    const create = await runCli(['token', 'create', '--name', 'ci', '--scopes', 'publish', ...config])
    expect(create.code, create.stderr).toBe(0)
    const ci = create.stdout.trim()
    expect(ci).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(create.stderr).toContain('shown once')

    await answers('/api/v1/events/plugins', ci, 403)
    const event = await fetch(`${server.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ci}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'ci.built' }),
    })
    expect(event.status).toBe(202)

    const list = await runCli(['token', 'list', ...config])
    expect(list.stdout).toMatch(/^NAME\s+SCOPES\s+CREATED\n/)
    expect(list.stdout).toMatch(/\nci\s+publish\s+20\d\d-/)
    expect(list.stdout).not.toContain(ci)
    expect((await runCli(['token', 'create', '--name', 'ci', ...config])).stderr).toMatch(
      /E_TOKEN_FILE: a token named "ci" exists .*--replace rotates it/,
    )
    expect((await runCli(['token', 'create', '--name', 'x', '--scopes', 'root', ...config])).code).toBe(2)

    expect((await runCli(['token', 'revoke', 'ci', ...config])).code).toBe(0)
    await answers('/api/v1/events/plugins', ci, 401)
  })

  it('serves /docs, /openapi.json and (on loopback) /metrics without a token', async () => {
    dir = await noTokenApp()
    server = await startServerProcess(dir.configFile)
    for (const path of ['/docs', '/openapi.json', '/metrics', '/healthz'])
      expect((await get(path)).status, path).toBe(200)
    expect((await get('/api/v1/events/plugins')).status).toBe(401)
  })

  it('asks for a metrics (or read) token on /metrics when listening beyond loopback', async () => {
    dir = await noTokenApp({ host: '0.0.0.0' })
    server = await startServerProcess(dir.configFile)
    server.url = server.url.replace('0.0.0.0', '127.0.0.1')
    expect((await get('/metrics')).status).toBe(401)
    const scrape = await runCli([
      'token',
      'create',
      '--name',
      'prometheus',
      '--scopes',
      'metrics',
      '--config',
      dir.configFile,
    ])
    const token = scrape.stdout.trim()
    await answers('/metrics', token, 200)
    expect(await (await get('/metrics', token)).text()).toContain('# TYPE')
    expect((await get('/api/v1/events/plugins', token)).status).toBe(403)
  })
})
