import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEvent, type Logger } from '@switchyard/core'
import { definePlugin, type PluginContext } from '@switchyard/plugin-sdk'
import { SqlitePluginDatabases } from '@switchyard/store-sqlite'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { SwitchyardConfigInput } from './config/config-schema.js'
import type { HostOptions } from './host-options.js'
import { SANDBOX_ENTRY } from './isolation/launch-sandbox.js'
import { calmPlugin } from './isolation/test-support/calm-plugin.js'
import { PluginHost } from './plugin-host.js'

const fixtures = new URL('../test/fixtures/isolation/', import.meta.url).pathname
const SANDBOXED = { module: join(fixtures, 'sandboxed.mjs') }
type Mode = 'worker' | 'process'
type Line = { level: string; obj: Record<string, unknown>; msg?: string }

let cwd: string
const hosts: PluginHost[] = []

beforeAll(async () => {
  // The sandbox runs the built entry (plain Node cannot run the TypeScript under test).
  if (!existsSync(SANDBOX_ENTRY))
    throw new Error(`${SANDBOX_ENTRY} is missing: run pnpm --filter @switchyard/host build`)
  cwd = await mkdtemp(join(tmpdir(), 'switchyard-isolation-'))
})
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})
afterAll(() => rm(cwd, { recursive: true, force: true }))

function capture(lines: Line[], bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: object | string, msg?: string) =>
    lines.push(
      typeof obj === 'string'
        ? { level, obj: bindings, msg: obj }
        : { level, obj: { ...bindings, ...obj }, ...(msg === undefined ? {} : { msg }) },
    )
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => capture(lines, { ...bindings, ...more }),
  } as Logger
}

async function startHost(
  mode: Mode,
  options: Pick<HostOptions, 'plugins' | 'databases'> & {
    config?: SwitchyardConfigInput
    lines?: Line[]
    /** The test expects a plugin to fail at start. */
    failing?: boolean
  } = {},
): Promise<PluginHost> {
  const host = new PluginHost({
    cwd,
    appPackageJson: false,
    // A sandbox starts in seconds on a loaded machine: the default 10 s would fail plugins for the machine's sake.
    startTimeoutMs: 60_000,
    plugins: options.plugins ?? [SANDBOXED],
    ...(options.databases === undefined ? {} : { databases: options.databases }),
    logger: capture(options.lines ?? []),
    config: {
      plugin_directories: [],
      storage: { driver: 'memory' },
      plugin_defaults: { isolation: mode, limits: { unresponsive_ms: 3000, memory_mb: 64 } },
      delivery: { timeout_ms: 10_000, retry: { attempts: 3, initial_ms: 10, jitter: false } },
      ...options.config,
    },
  })
  hosts.push(host)
  await host.start()
  const failed = host.status().find((plugin) => plugin.state === 'failed')
  if (failed !== undefined && options.failing !== true)
    throw new Error(`${failed.name} failed: ${failed.reason}`)
  return host
}

const get = async (host: PluginHost, path: string) => {
  const response = await host.fetch(new Request(`http://host/plugins/sandboxed${path}`))
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & string[] }
}
const publish = (host: PluginHost, type: string, data: unknown = {}) =>
  host.bus.publish(createEvent(type, data))

describe.each<Mode>(['worker', 'process'])('isolation: %s', { timeout: 30_000 }, (mode) => {
  it('carries the whole ctx across: handlers, publish, store, routes, health, metrics and logs', async () => {
    const lines: Line[] = []
    const host = await startHost(mode, { lines })
    const status = host.plugin('sandboxed')
    expect(status.isolation).toMatchObject({ mode, state: 'running', restarts: 0 })
    expect(mode === 'worker' ? status.isolation?.threadId : status.isolation?.pid).toBeGreaterThan(0)
    expect(status.handlers).toEqual(['sandboxed_handler', 'sandboxed_filtered'])
    expect(status.routes).toContainEqual({ method: 'GET', path: '/plugins/sandboxed/hello' })

    const report = await publish(host, 'sandbox.ok')
    expect(report.outcomes).toEqual([
      expect.objectContaining({ handler: 'sandboxed_handler', status: 'succeeded' }),
    ])
    expect(await host.store.kvGet('sandboxed', 'last:sandbox.ok')).toEqual({ attempt: 1, id: report.eventId })
    expect((await get(host, '/last/sandbox.done')).body).toMatchObject({ attempt: 1 })

    const hello = await get(host, '/hello')
    expect(hello.body.hello).toBe('sandboxed')
    if (mode === 'process') expect(hello.body.pid).not.toBe(process.pid)
    else expect(hello.body.threadId).toBeGreaterThan(0)
    const echo = await host.fetch(
      new Request('http://host/plugins/sandboxed/echo', { method: 'POST', body: 'hi' }),
    )
    expect([echo.status, echo.headers.get('x-sandbox'), await echo.text()]).toEqual([201, 'yes', 'echo: hi'])
    expect((await host.fetch(new Request('http://host/plugins/sandboxed/nowhere'))).status).toBe(404)

    expect(await host.pluginHealth('sandboxed')).toMatchObject({
      status: 'degraded',
      message: 'answered from the sandbox',
    })
    expect(await host.metrics()).toContain('sandboxed_handled_total{type="sandbox.ok",plugin="sandboxed"} 1')
    expect(lines).toContainEqual(
      expect.objectContaining({
        obj: expect.objectContaining({ plugin: 'sandboxed', type: 'sandbox.ok' }),
        msg: 'handled in the sandbox',
      }),
    )
    expect(JSON.stringify(await host.health())).toContain('collected in the sandbox')
    // None of the server's secrets: only the kept variables and the plugin's name.
    expect(
      (await get(host, '/env')).body.every((name: string) =>
        ['LANG', 'LC_ALL', 'NODE_ENV', 'TZ', 'SWITCHYARD_PLUGIN'].includes(name),
      ),
    ).toBe(true)
    await hosts.pop()?.stop()
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'stopping in the sandbox' }))
    expect(host.plugin('sandboxed').isolation).toMatchObject({ mode, state: 'stopped' })
  })

  it('streams route bodies across the boundary both ways: large uploads and downloads, chunk by chunk', async () => {
    const host = await startHost(mode)
    const megabytes = 8
    const upload = new Uint8Array(megabytes * 1024 * 1024).fill(7)
    const uploaded = await host.fetch(
      new Request('http://host/plugins/sandboxed/upload', { method: 'POST', body: upload }),
    )
    expect(await uploaded.json()).toEqual({ bytes: upload.byteLength })
    const download = await host.fetch(new Request(`http://host/plugins/sandboxed/download?mb=${megabytes}`))
    expect((await download.arrayBuffer()).byteLength).toBe(megabytes * 1024 * 1024)
    // The first chunk reaches the client while the sandbox has not finished the answer: it is not buffered.
    const streaming = await host.fetch(new Request('http://host/plugins/sandboxed/stream'))
    const reader = (streaming.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    expect(decoder.decode((await reader.read()).value)).toBe('first;')
    const released = await host.fetch(
      new Request('http://host/plugins/sandboxed/release', { method: 'POST' }),
    )
    expect(await released.text()).toBe('released')
    let rest = ''
    for (let read = await reader.read(); !read.done; read = await reader.read())
      rest += decoder.decode(read.value)
    expect(rest).toBe('second')
  })

  it('ends an event its filter rejects as unrouted, one it throws on as failed with E_FILTER: never run', async () => {
    const outcomes = async (host: PluginHost) => {
      const seen = []
      for (const data of [{ keep: false }, { boom: true }, { keep: true }]) {
        const [outcome] = (await publish(host, 'filtered.event', data)).outcomes
        seen.push([outcome?.status, outcome?.attempts, outcome?.error?.code])
      }
      return seen
    }
    const inProcess = await startHost(mode, { config: { plugin_defaults: { isolation: 'none' } } })
    const expected = await outcomes(inProcess)
    // In-process the dispatch decides before any attempt: a rejected event reaches no handler at all.
    expect(expected).toEqual([
      [undefined, undefined, undefined],
      ['failed', 0, 'E_FILTER'],
      ['succeeded', 1, undefined],
    ])
    const host = await startHost(mode)
    // The sandbox decides once the delivery began: a rejected event ends as one filtered out after it was
    // accepted does in-process (`unrouted`, E_UNROUTED), never `succeeded`.
    expect(await outcomes(host)).toEqual([
      ['unrouted', 0, 'E_UNROUTED'],
      ['failed', 0, 'E_FILTER'],
      ['succeeded', 1, undefined],
    ])
    // Not retried, not dead-lettered, no idempotency record: a kept event with the same key runs later.
    expect(await host.store.listDeadLetters()).toEqual([])
    const key = { metadata: { idempotencyKey: 'filtered-once' } }
    const rejected = await host.bus.publish(createEvent('filtered.event', { keep: false }, key))
    const kept = await host.bus.publish(createEvent('filtered.event', { keep: true }, key))
    expect([rejected.outcomes[0]?.status, kept.outcomes[0]?.status]).toEqual(['unrouted', 'succeeded'])
    // Through the durable path the ledger keeps the same final row.
    const { id } = await host.bus.enqueue(createEvent('filtered.event', { keep: false }))
    await expect
      .poll(async () => (await host.store.deliveries(id))[0], { timeout: 15_000 })
      .toMatchObject({ handler: 'sandboxed_filtered', status: 'unrouted', attempts: 0 })
  })

  it('delivers an event whose first attempt crashed the sandbox once it is back; the ledger keeps both attempts', async () => {
    const host = await startHost(mode)
    const { id } = await host.bus.enqueue(createEvent('sandbox.crash_once', {}))
    let seen: string[] = []
    for (let i = 0; i < 200; i++) {
      const [row] = await host.store.deliveries(id)
      const step = `${row?.status}:${row?.error?.message ?? ''}`
      if (row !== undefined && !seen.includes(step)) seen = [...seen, step]
      if (row?.status === 'succeeded') break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const [row] = await host.store.deliveries(id)
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2 })
    expect(seen.some((s) => s.startsWith('retrying:') && s.includes('E_PLUGIN_CRASHED'))).toBe(true)
    expect(await host.store.kvGet('sandboxed', 'last:sandbox.crash_once')).toMatchObject({ attempt: 2 })
    expect(host.plugin('sandboxed').isolation).toMatchObject({
      restarts: 1,
      state: 'running',
      lastExit: { reason: 'exit' },
    })
    expect(await host.metrics()).toContain(
      `switchyard_plugin_sandbox_restarts_total{plugin="sandboxed",reason="exit"} 1`,
    )
  })

  it('aborts the handler in the sandbox when the host times its attempt out', async () => {
    const host = await startHost(mode, { config: { delivery: { timeout_ms: 300, retry: { attempts: 1 } } } })
    const [outcome] = (await publish(host, 'sandbox.abandoned')).outcomes
    expect(outcome).toMatchObject({ status: 'dead_lettered', error: { code: 'E_TIMEOUT' } })
    await expect
      .poll(() => host.store.kvGet('sandboxed', 'abandoned'), { timeout: 15_000 })
      .toBe('the host ended this attempt (timeout or shutdown)')
  })

  it('terminates a spinning sandbox (E_PLUGIN_UNRESPONSIVE) while other plugins keep working', async () => {
    const calm = calmPlugin
    const host = await startHost(mode, {
      plugins: [SANDBOXED, calm],
      config: {
        plugins: { calm: { isolation: 'none' }, sandboxed: { limits: { unresponsive_ms: 1000 } } },
        delivery: { retry: { attempts: 1 } },
      },
    })
    const spinning = publish(host, 'sandbox.spin')
    const calmReport = publish(host, 'calm.ping')
    // The host's thread is free while the sandbox spins: the other plugin's delivery ends first.
    expect(await Promise.race([calmReport.then(() => 'calm'), spinning.then(() => 'spin')])).toBe('calm')
    expect((await calmReport).outcomes[0]?.status).toBe('succeeded')
    const [outcome] = (await spinning).outcomes
    expect(outcome?.error?.message).toContain('E_PLUGIN_UNRESPONSIVE: plugin "sandboxed"')
    await expect.poll(() => host.plugin('sandboxed').isolation?.state, { timeout: 15_000 }).toBe('running')
    expect(host.plugin('sandboxed').isolation?.lastExit?.reason).toBe('unresponsive')
    expect((await publish(host, 'sandbox.ok')).outcomes[0]?.status).toBe('succeeded')
  })

  it('restarts after process.exit, an uncaught exception and running out of memory, naming each', async () => {
    // A heap near its limit spends long in GC: a generous heartbeat deadline lets the out-of-memory end come first.
    const host = await startHost(mode, {
      config: {
        plugins: { sandboxed: { limits: { unresponsive_ms: 15_000 } } },
        delivery: { retry: { attempts: 1 } },
      },
    })
    const cases: [string, string, string][] = [
      ['sandbox.exit', 'exit', 'exited with code 3'],
      ['sandbox.throw', 'uncaught exception', 'thrown in a timer'],
      ['sandbox.hog', 'out of memory', 'heap passed 64 MB'],
    ]
    for (const [type, reason, detail] of cases) {
      const [outcome] = (await publish(host, type)).outcomes
      expect(outcome?.error).toMatchObject({ code: 'E_HANDLER', cause: { name: 'PluginCrashedError' } })
      expect(outcome?.error?.message).toContain('E_PLUGIN_CRASHED')
      expect(outcome?.error?.message).toContain(detail)
      expect(host.plugin('sandboxed').isolation?.lastExit?.reason).toBe(reason)
      await expect.poll(() => host.plugin('sandboxed').isolation?.state, { timeout: 15_000 }).toBe('running')
    }
    expect(host.plugin('sandboxed').isolation?.restarts).toBe(3)
    const metrics = await host.metrics()
    for (const [, reason] of cases)
      expect(metrics).toContain(
        `switchyard_plugin_sandbox_exits_total{plugin="sandboxed",reason="${reason}"} 1`,
      )
  })

  it('fails the plugin once max_restarts is passed, with the reason', async () => {
    const host = await startHost(mode, {
      config: {
        plugins: { sandboxed: { limits: { max_restarts: 1 } } },
        delivery: { retry: { attempts: 1 } },
      },
    })
    await publish(host, 'sandbox.exit')
    await expect.poll(() => host.plugin('sandboxed').isolation?.state, { timeout: 15_000 }).toBe('running')
    await publish(host, 'sandbox.exit')
    await expect.poll(() => host.plugin('sandboxed').state, { timeout: 15_000 }).toBe('failed')
    expect(host.plugin('sandboxed')).toMatchObject({
      error: { code: 'E_PLUGIN_CRASHED' },
      reason: expect.stringContaining('plugin "sandboxed" crashed 2 times within 60000ms and was stopped'),
      isolation: { mode, state: 'stopped', lastExit: { reason: 'exit' } },
    })
  })

  it('enforces permissions on the host side: a publish without events:publish is refused', async () => {
    const host = await startHost(mode, {
      plugins: [{ module: join(fixtures, 'no-publish.mjs') }],
      config: { delivery: { retry: { attempts: 1 } } },
    })
    const [outcome] = (await publish(host, 'sneak.in')).outcomes
    expect(outcome?.error?.message).toContain(
      'plugin "no-publish" called ctx.publish without permission "events:publish"',
    )
  })

  it('refuses an http.middleware contribution at setup, naming the plugin and the mode', async () => {
    const host = await startHost(mode, {
      plugins: [{ module: join(fixtures, 'middleware.mjs') }],
      failing: true,
    })
    expect(host.plugin('middleware')).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining(
        `plugin "middleware" (isolation: ${mode}): an http.middleware contribution`,
      ),
    })
  })

  it('terminates and restarts a sandbox that sends a malformed message', async () => {
    const host = await startHost(mode)
    // Its answer may or may not come before the host ends it: either is fine.
    await host.fetch(new Request('http://host/plugins/sandboxed/malformed'))
    await expect
      .poll(() => host.plugin('sandboxed').isolation?.lastExit?.reason, { timeout: 15_000 })
      .toBe('protocol')
    await expect.poll(() => host.plugin('sandboxed').isolation?.state, { timeout: 15_000 }).toBe('running')
    expect((await get(host, '/hello')).status).toBe(200)
  })

  it('carries ctx.use both ways and ctx.db: an in-process plugin calls the sandbox, the sandbox calls back', async () => {
    const catalog = definePlugin({
      name: 'catalog',
      version: '1.0.0',
      provides: { describe: (sku: string) => `item ${sku}` },
      setup() {},
    })
    let shop: PluginContext | undefined
    const consumer = definePlugin({
      name: 'shop',
      version: '1.0.0',
      dependencies: { pricing: '^1.0.0' },
      setup(ctx) {
        shop = ctx as PluginContext
      },
    })
    const host = await startHost(mode, {
      plugins: [catalog, { module: join(fixtures, 'pricing.mjs') }, consumer],
      databases: new SqlitePluginDatabases({ memory: true }),
      config: { plugins: { catalog: { isolation: 'none' }, shop: { isolation: 'none' } } },
    })
    expect(host.plugin('pricing')).toMatchObject({ state: 'started', isolation: { mode } })
    const quote = (await (shop as PluginContext).use('pricing').quote?.('A-1', 2)) as Record<string, unknown>
    expect(quote).toMatchObject({ item: 'item A-1', total: 500 })
    if (mode === 'process') expect(quote.pid).not.toBe(process.pid)
    else expect(quote.threadId).toBeGreaterThan(0)
    const rows = await host.fetch(new Request('http://host/plugins/pricing/quotes'))
    expect(await rows.json()).toEqual([{ sku: 'A-1', cents: 500 }])
  })

  it('reloads under load without losing a delivery', async () => {
    const host = await startHost(mode)
    const publishing = Array.from({ length: 60 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 5)).then(() =>
        publish(host, 'sandbox.slow', { ms: 5 }),
      ),
    )
    await new Promise((resolve) => setTimeout(resolve, 60))
    await host.reload('sandboxed')
    const reports = await Promise.all(publishing)
    expect(reports.flatMap((r) => r.outcomes.map((o) => o.status)).every((s) => s === 'succeeded')).toBe(true)
    expect(host.plugin('sandboxed')).toMatchObject({
      state: 'started',
      reloads: 1,
      isolation: { mode, state: 'running' },
    })
  })
})

describe('isolation: process', { timeout: 30_000 }, () => {
  it('refuses reading files outside the plugin (the config file) and spawning processes', async () => {
    const config = join(cwd, 'switchyard.yaml')
    await writeFile(config, 'auth: { tokens: [{ name: admin, token: s3cret, scopes: [admin] }] }\n')
    const host = await startHost('process')
    const read = await get(host, `/read?path=${encodeURIComponent(config)}`)
    expect(read.body).toMatchObject({ ok: false, code: 'ERR_ACCESS_DENIED' })
    expect((await get(host, '/spawn')).body).toMatchObject({ ok: false, code: 'ERR_ACCESS_DENIED' })
  })
})

describe('isolation: in code', () => {
  it('refuses to isolate a plugin given as an object, saying how to give it as a file', async () => {
    const inline = definePlugin({ name: 'inline', version: '1.0.0', setup() {} })
    const host = await startHost('worker', { plugins: [inline], failing: true })
    expect(host.plugin('inline')).toMatchObject({
      state: 'failed',
      error: { code: 'E_ISOLATION' },
      reason: expect.stringContaining("plugins: [{ module: '/abs/path.js' }]"),
    })
  })
})

describe('isolation: start', { timeout: 60_000 }, () => {
  it('starts sandboxes side by side, a dependent after what it depends on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-meeting-'))
    const parallel = (name: string) => ({ module: join(fixtures, 'parallel', `${name}.mjs`) })
    try {
      // left and right each wait in setup for the other to begin: one after the other, the first would fail.
      const host = await startHost('worker', {
        plugins: [parallel('after-left'), parallel('left'), parallel('right')],
        config: { plugins: { left: { config: { dir } }, right: { config: { dir } } } },
      })
      expect(host.status().map((plugin) => [plugin.name, plugin.state])).toEqual(
        expect.arrayContaining([
          ['left', 'started'],
          ['right', 'started'],
          ['after-left', 'started'],
        ]),
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
