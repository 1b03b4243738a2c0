import { readFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import {
  call,
  type Delivery,
  FAULT_PLUGINS,
  type FaultDir,
  faultConfig,
  faultDir,
  publish,
  type ServerProcess,
  settledDeliveries,
  startServerProcess,
  UNOWNED_FAULT_PLUGINS,
} from './support/fault-server.js'

// Real `switchyard start` processes on SQLite, one per fault.
const servers: ServerProcess[] = []
const dirs: FaultDir[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) if (server.child.exitCode === null) server.child.kill('SIGKILL')
  for (const dir of dirs.splice(0)) await dir.remove()
})

async function faultServer(overrides: Record<string, unknown> = {}) {
  const dir = await faultDir({})
  dirs.push(dir)
  await dir.write(faultConfig(dir.path, overrides))
  const server = await startServerProcess(dir.configFile)
  servers.push(server)
  return { dir, server }
}

const of = (deliveries: Delivery[], handler: string) => deliveries.find((d) => d.handler === handler)

interface PluginStatus {
  name: string
  state: string
  faults: number
  lastFault?: string
}
async function plugin(server: ServerProcess, name: string): Promise<PluginStatus> {
  const res = await call(server, '/api/v1/events/plugins')
  const { plugins } = (await res.json()) as { plugins: PluginStatus[] }
  return plugins.find((p) => p.name === name) as PluginStatus
}

async function steadyHandled(dir: FaultDir, ids: string[]): Promise<void> {
  const seen = (await readFile(`${dir.path}/steady.log`, 'utf8')).split('\n')
  for (const id of ids) expect(seen).toContain(id)
}

describe('plugin faults in a server process', () => {
  it.each([
    [
      'fault.reject',
      'rejecter',
      'reject_handler',
      'E_PLUGIN_FAULT: plugin "rejecter" faulted (unhandled rejection)',
    ],
    [
      'fault.timer',
      'timer-thrower',
      'timer_handler',
      'E_PLUGIN_FAULT: plugin "timer-thrower" faulted (uncaught exception)',
    ],
    ['fault.exit', 'exiter', 'exit_handler', 'E_PLUGIN_EXIT: plugin "exiter" called process.exit(1)'],
  ])(
    '%s: the delivery fails with the fault, the plugin is charged, the server and the other plugins go on',
    async (type, name, handler, error) => {
      const { dir, server } = await faultServer()
      const before = await publish(server, 'steady.ping')
      const faulty = await publish(server, type)
      const deliveries = await settledDeliveries(server, faulty)
      expect(of(deliveries, handler)).toMatchObject({ status: 'dead_lettered' })
      // The serialised HandlerExecutionError, the fault as its cause.
      expect(of(deliveries, handler)?.error).toMatchObject({
        code: 'E_HANDLER',
        handler,
        eventId: faulty,
        attempt: expect.any(Number),
        cause: { name: expect.any(String), message: expect.stringContaining(error) },
      })
      expect(of(deliveries, 'steady_handler')).toMatchObject({ status: 'succeeded' })
      const after = await publish(server, 'steady.ping')
      expect((await settledDeliveries(server, after)).map((d) => d.status)).toEqual(['succeeded'])
      expect(await plugin(server, name)).toMatchObject({ state: 'started', faults: 1 })
      const metrics = await (await call(server, '/metrics')).text()
      expect(metrics).toContain(`switchyard_plugin_faults_total{plugin="${name}"} 1`)
      expect(server.child.exitCode).toBe(null)
      await steadyHandled(dir, [before, faulty, after])
    },
  )

  it('fails a plugin past plugins.<name>.limits.max_faults; /readyz is then not ready, the reason behind a read token', async () => {
    const { server } = await faultServer({
      plugins: { rejecter: { limits: { max_faults: 2 } } },
    })
    for (let i = 0; i < 2; i++) await settledDeliveries(server, await publish(server, 'fault.reject'))
    for (let i = 0; (await plugin(server, 'rejecter')).state !== 'failed' && i < 100; i++)
      await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await plugin(server, 'rejecter')).toMatchObject({ state: 'failed', faults: 2 })
    const ready = await call(server, '/readyz', { as: null })
    expect(ready.status).toBe(503)
    expect(await ready.json()).toEqual({ status: 'not_ready' })
    const detailed = (await (await call(server, '/readyz', { as: 'read' })).json()) as { reasons: string[] }
    expect(detailed.reasons[0]).toMatch(
      /^plugin "rejecter" failed: plugin "rejecter" faulted 2 times within 60000ms/,
    )
    expect(await (await call(server, '/healthz', { as: null })).json()).toEqual({ status: 'degraded' })
    const id = await publish(server, 'fault.reject')
    expect((await settledDeliveries(server, id)).map((d) => [d.handler, d.status])).toEqual([
      ['steady_handler', 'succeeded'],
    ])
  })

  it('a handler spinning past its timeout ends timed_out; requests queued behind the stall answer after it, /readyz not ready', async () => {
    // Without a dead-letter queue the ledger keeps the final outcome itself.
    const { dir, server } = await faultServer({
      delivery: { timeout_ms: 2000, dead_letter: false, retry: { attempts: 1, jitter: false } },
    })
    const id = await publish(server, 'fault.spin')
    // Sent while the loop spins: one thread cannot answer until the spin ends.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const sent = Date.now()
    const ready = await call(server, '/readyz', { as: 'read' })
    const waited = Date.now() - sent
    expect(waited).toBeGreaterThan(1000)
    expect(ready.status).toBe(503)
    expect(((await ready.json()) as { reasons: string[] }).reasons.join()).toMatch(
      /the event loop stalled for \d+ ms, longer than server.max_event_loop_delay_ms \(1000\)/,
    )
    const deliveries = await settledDeliveries(server, id)
    expect(of(deliveries, 'spin_handler')).toMatchObject({ status: 'timed_out' })
    expect(of(deliveries, 'spin_handler')?.error?.message).toMatch(
      /returned after \d+ms, past its 1000ms timeout/,
    )
    expect(of(deliveries, 'spin_handler')!.durationMs).toBeGreaterThan(2900)
    // The stall is over: ready again within a window or two.
    let status = 0
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      status = (await call(server, '/readyz', { as: null })).status
    }
    expect(status).toBe(200)
    const metrics = await (await call(server, '/metrics')).text()
    expect(metrics).toMatch(/^nodejs_eventloop_lag_max_seconds \d/m)
    await steadyHandled(dir, [id])
  }, 20_000)

  it('memory a leaking handler keeps shows in /metrics', async () => {
    const { server } = await faultServer({ plugins: { leaker: { config: { leak_mb: 50 } } } })
    const rss = async () => {
      const text = await (await call(server, '/metrics')).text()
      return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)![1])
    }
    const before = await rss()
    for (let i = 0; i < 3; i++) await settledDeliveries(server, await publish(server, 'fault.leak'))
    expect((await rss()) - before).toBeGreaterThan(140 * 1024 * 1024)
  }, 20_000)

  it('a fault no plugin owns is logged, the log flushed, and the process exits 1', async () => {
    const { server } = await faultServer({ plugin_directories: [FAULT_PLUGINS, UNOWNED_FAULT_PLUGINS] })
    const accepted = await publish(server, 'steady.ping')
    expect(await server.exited).toBe(1)
    // The request log line of the event accepted just before is not lost in the buffer.
    expect(server.output()).toMatch(/"path":"\/api\/v1\/events","status":202/)
    expect(server.output()).toContain('"msg":"uncaught exception outside any plugin; exiting"')
    expect(accepted).toBeTruthy()
  }, 20_000)
})
