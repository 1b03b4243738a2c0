import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEvent, type DeliveryReport, EventRejectedError } from '@switchyard/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createHost } from './create-host.js'
import { ConfigError } from './errors.js'
import type { PluginHost } from './plugin-host.js'

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url))
interface Delivery {
  id: number
  version: string
  config: string | null
}
interface Fixture {
  workerLog?: Delivery[]
  workerGate?: (event: { data: { n: number } }) => Promise<void> | undefined
}
const fixture = globalThis as Fixture
const hosts: PluginHost[] = []

// Copies the runtime fixtures to a temporary app so a test may rewrite plugin files and the config file.
async function startApp(config: string): Promise<{ host: PluginHost; dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-control-'))
  await cp(join(FIXTURES, 'runtime'), join(dir, 'plugins'), { recursive: true })
  const file = join(dir, 'switchyard.yaml')
  await writeFile(file, config)
  const host = await createHost({ cwd: dir, configPath: file, appPackageJson: false, env: {} })
  hosts.push(host)
  return { host, dir, file }
}

// Holds the delivery of job n until the returned release is called; resolves `started` when it began.
function gate(n: number): { started: Promise<void>; release: () => void } {
  let release = () => {}
  let began = () => {}
  const started = new Promise<void>((resolve) => {
    began = resolve
  })
  const held = new Promise<void>((resolve) => {
    release = resolve
  })
  fixture.workerGate = (event) => {
    if (event.data.n !== n) return undefined
    began()
    return held
  }
  return { started, release }
}

const job = (n: number, kind = 'normal') => createEvent('job.created', { n, kind })
const outcome = (report: DeliveryReport, handler: string) =>
  report.outcomes.find((o) => o.handler === handler)?.status

afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
  fixture.workerGate = undefined
})

describe('PluginHost runtime control', () => {
  it('disables a plugin after its in-flight deliveries finish, disables its dependents, and enables them again', async () => {
    fixture.workerLog = []
    const { host } = await startApp('plugin_directories: [plugins]\n')
    const { started, release } = gate(1)
    const inFlight = host.bus.publish(job(1))
    await started
    let disabled = false
    const disabling = host.disable('worker').then(() => {
      disabled = true
    })
    await vi.waitFor(() => expect(host.plugin('reporter').state).toBe('disabled'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(disabled).toBe(false)
    release()
    await disabling
    expect(outcome(await inFlight, 'worker_handler')).toBe('succeeded')
    expect(host.plugin('worker')).toMatchObject({ state: 'disabled', handlers: [], routes: [] })
    expect(host.plugin('reporter').reason).toBe('dependency "worker" was disabled')
    expect((await host.bus.publish(job(2))).outcomes).toEqual([])
    expect((await host.fetch(new Request('http://h/plugins/worker/version'))).status).toBe(404)
    expect(await host.store.getPluginState('worker')).toMatchObject({ enabled: false })

    await host.enable('worker')
    expect(host.plugin('worker').state).toBe('started')
    expect(host.plugin('reporter').state).toBe('started')
    expect(outcome(await host.bus.publish(job(3)), 'worker_handler')).toBe('succeeded')
    expect(fixture.workerLog.map((d) => d.id)).toEqual([1, 3])
  })

  it('reloads a plugin from disk while events are in flight: none lost, later ones reach the new version', async () => {
    fixture.workerLog = []
    const { host, dir } = await startApp('plugin_directories: [plugins]\n')
    const entry = join(dir, 'plugins/worker/index.js')
    const { started, release } = gate(1)
    const first = host.bus.publish(job(1))
    await started
    await writeFile(entry, (await readFile(entry, 'utf8')).replace("VERSION = 'v1'", "VERSION = 'v2'"))
    const reloading = host.reload('worker')
    await vi.waitFor(() => expect(host.plugin('worker').reloads).toBe(1))
    const during = [host.bus.publish(job(2)), host.bus.publish(job(3))]
    release()
    const reports = await Promise.all([first, ...during])
    await reloading
    expect(reports.map((report) => outcome(report, 'worker_handler'))).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ])
    expect(fixture.workerLog).toEqual([
      { id: 1, version: 'v1', config: null },
      { id: 2, version: 'v2', config: null },
      { id: 3, version: 'v2', config: null },
    ])
    const res = await host.fetch(new Request('http://h/plugins/worker/version'))
    expect(await res.json()).toEqual({ version: 'v2', label: null })
  })

  it('keeps the running version when the new one cannot load', async () => {
    fixture.workerLog = []
    const { host, dir } = await startApp('plugin_directories: [plugins]\n')
    await writeFile(join(dir, 'plugins/worker/index.js'), 'export default {')
    await expect(host.reload('worker')).rejects.toThrow(/^cannot import .*worker\/index\.js/)
    expect(host.plugin('worker')).toMatchObject({ state: 'started', error: { code: 'E_PLUGIN_LOAD' } })
    expect(outcome(await host.bus.publish(job(1)), 'worker_handler')).toBe('succeeded')
  })

  it('applies a valid config reload (plugin config, routes, enabled flags) and rejects an invalid one atomically', async () => {
    fixture.workerLog = []
    const base = 'plugin_directories: [plugins]\nplugins:\n  worker: { config: { label: one } }\n'
    const { host, file } = await startApp(base)
    const label = async () => await (await host.fetch(new Request('http://h/plugins/worker/version'))).json()
    expect(await label()).toEqual({ version: 'v1', label: 'one' })

    await writeFile(
      file,
      `${base.replace('one', 'two')}routes:\n  job.created: { key: data.kind, cases: { urgent: [worker_handler] } }\n`,
    )
    await host.reloadConfig()
    expect(await label()).toEqual({ version: 'v1', label: 'two' })
    expect(outcome(await host.bus.publish(job(1, 'normal')), 'worker_handler')).toBe('unrouted')
    expect(outcome(await host.bus.publish(job(2, 'urgent')), 'worker_handler')).toBe('succeeded')

    const running = host.config
    await writeFile(file, `${base}delivery: { timeout_ms: -1 }\n`)
    const error = await host.reloadConfig().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe(
      `invalid configuration:\n${file}:4:25: delivery.timeout_ms: expected >=1, got -1`,
    )
    expect(host.config).toBe(running)
    expect(await label()).toEqual({ version: 'v1', label: 'two' })

    await writeFile(file, `${base}disabled_handlers: [reporter_handler]\n`)
    await host.reloadConfig()
    expect((await host.bus.publish(job(3))).outcomes.map((o) => o.handler)).toEqual(['worker_handler'])

    await writeFile(file, `${base}  reporter: { enabled: false }\n`)
    await host.reloadConfig()
    expect(host.plugin('reporter')).toMatchObject({ state: 'disabled', enabled: false })
    expect(host.plugin('worker').state).toBe('started')
  })

  it('applies a reloaded delivery section to the running subscriptions', async () => {
    const base = 'plugin_directories: [plugins]\n'
    const { host, file } = await startApp(base)
    const policy = (name: string) => host.bus.subscriptions().find((s) => s.name === name)?.policy
    expect(policy('worker_handler')).toMatchObject({ timeoutMs: 5000, retry: { attempts: 1 } })
    await writeFile(file, `${base}delivery: { timeout_ms: 1234, retry: { attempts: 7, initial_ms: 50 } }\n`)
    await host.reloadConfig()
    // The handler's own retry.attempts stays; the rest comes from the reloaded defaults.
    expect(policy('worker_handler')).toMatchObject({ timeoutMs: 1234, retry: { attempts: 1, initialMs: 50 } })
    expect(policy('reporter_handler')).toMatchObject({
      timeoutMs: 1234,
      retry: { attempts: 7, initialMs: 50 },
    })
  })

  it('takes idempotency, concurrency and dead-lettering defaults from the delivery section', async () => {
    const base = 'plugin_directories: [plugins]\n'
    const { host, file } = await startApp(base)
    const policy = (name: string) => host.bus.subscriptions().find((s) => s.name === name)?.policy
    expect(policy('reporter_handler')).toMatchObject({ concurrency: 16, idempotent: true, deadLetter: true })
    const again = (n: number) => createEvent('job.run', { n }, { metadata: { idempotencyKey: 'job-1' } })
    await host.bus.publish(again(1))
    expect(outcome(await host.bus.publish(again(2)), 'reporter_handler')).toBe('skipped_duplicate')

    await writeFile(file, `${base}delivery: { idempotent: false, concurrency: 2, dead_letter: false }\n`)
    await host.reloadConfig()
    expect(policy('reporter_handler')).toMatchObject({ concurrency: 2, idempotent: false, deadLetter: false })
    await host.bus.publish(again(3))
    expect(outcome(await host.bus.publish(again(4)), 'reporter_handler')).toBe('succeeded')

    await writeFile(file, `${base}delivery: { idempotent: 'no' }\n`)
    await expect(host.reloadConfig()).rejects.toThrow(/delivery\.idempotent/)
  })

  it('serves the declared event catalog as JSON Schema and rejects payloads that break it', async () => {
    const { host } = await startApp('plugin_directories: [plugins]\n')
    const { events } = host.eventCatalog()
    expect(events.map((e) => [e.type, e.plugin, e.role, e.version])).toEqual([
      ['order.paid', 'shipping', 'consumes', '1.0.0'],
      ['order.shipped', 'shipping', 'publishes', '1.1.0'],
    ])
    expect(events[1]?.schema).toMatchObject({
      type: 'object',
      properties: { orderId: { type: 'string' }, carrier: { type: 'string' } },
      required: ['orderId', 'carrier'],
    })
    const report = await host.bus.publish(createEvent('order.paid', { orderId: 'o1', amount: 5 }))
    expect(outcome(report, 'shipping_handler')).toBe('succeeded')
    await expect(host.bus.publish(createEvent('order.paid', { orderId: 'o1' }))).rejects.toThrow(
      EventRejectedError,
    )
  })

  it('adds a plugin installed at runtime and removes it', async () => {
    const { host } = await startApp('plugin_directories: [plugins]\n')
    const added = await host.addPlugin(join(FIXTURES, 'shapes/default-object'))
    expect(added).toMatchObject({ name: 'default-object', state: 'started' })
    expect((await host.fetch(new Request('http://h/plugins/default-object/seen'))).status).toBe(200)
    await host.removePlugin('default-object', { forget: true })
    expect(() => host.plugin('default-object')).toThrow('plugin "default-object" not found')
    expect((await host.fetch(new Request('http://h/plugins/default-object/seen'))).status).toBe(404)
    await expect(host.addPlugin(join(FIXTURES, 'bad/import-error'))).rejects.toThrow('missing native module')
    await expect(host.addPlugin(join(FIXTURES, 'bad/no-permission'))).rejects.toThrow(
      'without permission "http:routes"',
    )
    expect(host.status().map((p) => p.name)).toEqual(['reporter', 'shipping', 'worker'])
  })

  it('adds the new code of a removed plugin replaced in place and restarts its dependents (an upgrade)', async () => {
    const { host, dir } = await startApp('plugin_directories: [plugins]\n')
    await host.removePlugin('worker')
    expect(host.plugin('reporter')).toMatchObject({
      state: 'disabled',
      reason: 'dependency "worker" was disabled',
    })
    const entry = join(dir, 'plugins', 'worker', 'index.js')
    await writeFile(entry, (await readFile(entry, 'utf8')).replace("version: '1.0.0'", "version: '1.1.0'"))
    expect(await host.addPlugin(join(dir, 'plugins', 'worker'))).toMatchObject({ version: '1.1.0' })
    expect(host.plugin('reporter').state).toBe('started')
  })
})
