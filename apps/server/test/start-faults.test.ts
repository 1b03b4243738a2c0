import { afterEach, describe, expect, it } from 'vitest'
import {
  call,
  FAULT_PLUGINS,
  type FaultDir,
  faultConfig,
  faultDir,
  POISON_PLUGINS,
  publish,
  runServerToExit,
  type SpawnedServer,
  START_FAULT_PLUGINS,
  settledDeliveries,
  spawnServer,
} from './support/fault-server.js'

const servers: SpawnedServer[] = []
const dirs: FaultDir[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL')
  for (const dir of dirs.splice(0)) await dir.remove()
})

async function dirWith(config: (path: string) => Record<string, unknown> | string): Promise<FaultDir> {
  const dir = await faultDir({})
  dirs.push(dir)
  await dir.write(config(dir.path))
  return dir
}

function spawned(configFile: string): SpawnedServer {
  const server = spawnServer(configFile)
  servers.push(server)
  return server
}

const STARTING = /"url":"(http:[^"]+)","msg":"switchyard starting/
const LISTENING = /switchyard listening on (http:\/\/[^\s"]+)/

describe('server start', () => {
  it('opens the port first (503 starting), fails a setup that never settles with E_TIMEOUT, then serves', async () => {
    const dir = await dirWith((path) =>
      faultConfig(path, {
        plugin_directories: [FAULT_PLUGINS, START_FAULT_PLUGINS],
        plugins: { hanger: { start_timeout_ms: 1500 } },
      }),
    )
    const server = spawned(dir.configFile)
    const url = (await server.waitFor(STARTING))[1]!
    const at = { url }
    for (const path of ['/healthz', '/readyz']) {
      const res = await call(at, path, { as: null })
      expect([res.status, await res.json()]).toEqual([503, { status: 'starting' }])
    }
    const refused = await call(at, '/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'steady.ping' }),
    })
    expect(refused.status).toBe(503)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('E_STARTING')

    await server.waitFor(LISTENING)
    const { plugins } = (await (await call(at, '/api/v1/events/plugins')).json()) as {
      plugins: { name: string; state: string; error?: { code: string } }[]
    }
    expect(plugins.find((p) => p.name === 'hanger')).toMatchObject({
      state: 'failed',
      error: { code: 'E_TIMEOUT' },
    })
    // A non-optional plugin failed: not ready, though every other plugin serves.
    expect((await call(at, '/readyz', { as: null })).status).toBe(503)
    const id = await publish(at, 'steady.ping')
    expect((await settledDeliveries(at, id)).map((d) => d.status)).toEqual(['succeeded'])
  }, 20_000)

  it('an optional plugin that failed leaves the server ready', async () => {
    const dir = await dirWith((path) =>
      faultConfig(path, {
        plugin_directories: [START_FAULT_PLUGINS],
        plugins: { hanger: { start_timeout_ms: 300, optional: true } },
      }),
    )
    const server = spawned(dir.configFile)
    const url = (await server.waitFor(LISTENING))[1]!
    expect((await call({ url }, '/readyz', { as: null })).status).toBe(200)
    expect(await (await call({ url }, '/healthz', { as: null })).json()).toEqual({ status: 'degraded' })
  }, 20_000)

  it('a plugins step past server.start_timeout_ms exits 1 with the step, though a plugin left a timer running', async () => {
    const dir = await dirWith((path) =>
      faultConfig(path, {
        server: { host: '127.0.0.1', port: 0, start_timeout_ms: 1000 },
        plugin_directories: [START_FAULT_PLUGINS],
        plugins: { hanger: { start_timeout_ms: 60_000 } },
      }),
    )
    const { code, output, ms } = await runServerToExit(dir.configFile)
    expect(code).toBe(1)
    expect(output).toContain(
      'switchyard: start failed at step "plugins": it did not finish within 1000 ms (server.start_timeout_ms)',
    )
    expect(output).toContain('"msg":"switchyard failed to start"') // logged and flushed
    expect(ms).toBeLessThan(10_000)
  }, 20_000)

  it('storage.path under /proc: names the step, the folder and the fix, exits 1 at once', async () => {
    const dir = await dirWith((path) => ({
      ...faultConfig(path),
      storage: { driver: 'sqlite', path: '/proc/nope/x.db' },
    }))
    const { code, output, ms } = await runServerToExit(dir.configFile)
    expect(code).toBe(1)
    expect(output).toContain(
      'switchyard: start failed at step "store": cannot use /proc/nope as a storage folder of /proc/nope/x.db: it cannot be created (ENOENT)',
    )
    expect(output).toContain('fix: check storage.path')
    expect(ms).toBeLessThan(10_000)
  }, 20_000)

  it('a YAML alias bomb is a config error with file and line, exit 1', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i)
      const name = String.fromCharCode(97 + i)
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`)
    }
    const dir = await dirWith(() => `${lines.join('\n')}\n`)
    const { code, output } = await runServerToExit(dir.configFile)
    expect(code).toBe(1)
    expect(output).toContain('start failed at step "config"')
    expect(output).toMatch(new RegExp(`${dir.configFile.replace(/[.]/g, '\\.')}:\\d+`))
  }, 20_000)

  it('a poison event crashes three starts; the fourth dead-letters it with the crash count and serves', async () => {
    const dir = await dirWith((path) =>
      faultConfig(path, { plugin_directories: [FAULT_PLUGINS, POISON_PLUGINS] }),
    )
    const first = spawned(dir.configFile)
    const url = (await first.waitFor(LISTENING))[1]!
    const ok = await publish({ url }, 'steady.ping')
    await settledDeliveries({ url }, ok)
    await publish({ url }, 'fault.poison')
    expect(await first.exited).toBe(null) // SIGKILL
    for (let restart = 2; restart <= 3; restart++) {
      const { signal } = await runServerToExit(dir.configFile)
      expect(signal).toBe('SIGKILL')
    }
    const fourth = spawned(dir.configFile)
    const at = { url: (await fourth.waitFor(LISTENING))[1]! }
    const { deadLetters } = (await (await call(at, '/api/v1/dead-letters')).json()) as {
      deadLetters: { handler: string; error: string; event: { id: string; type: string } }[]
    }
    expect(deadLetters).toHaveLength(1)
    expect(deadLetters[0]).toMatchObject({ handler: 'poison_handler', event: { type: 'fault.poison' } })
    expect(deadLetters[0]!.error).toMatch(
      /E_CRASHED_PROCESS: handler poison_handler was running event .* 3 times/,
    )
    const deliveries = await settledDeliveries(at, deadLetters[0]!.event.id)
    expect(deliveries.find((d) => d.handler === 'steady_handler')?.status).toBe('succeeded')
    const metrics = await (await call(at, '/metrics')).text()
    expect(metrics).toContain('switchyard_plugin_crashes_total{plugin="poison"} 1')
    const next = await publish(at, 'steady.ping')
    expect((await settledDeliveries(at, next)).map((d) => d.status)).toEqual(['succeeded'])
  }, 60_000)
})
