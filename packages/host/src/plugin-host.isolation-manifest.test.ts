import { readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { createEvent } from '@switchyard/core'
import { describe, expect, it, vi } from 'vitest'
import type { SwitchyardConfigInput } from './config/config-schema.js'
import type { HostOptions } from './host-options.js'
import { calmPlugin } from './isolation/test-support/calm-plugin.js'
import { sandboxTestFolder } from './isolation/test-support/sandbox-test-folder.js'
import { PluginHost } from './plugin-host.js'

const TOP_LEVEL = new URL('../test/fixtures/isolation/top-level/', import.meta.url).pathname
const fixture = (name: string) => ({ module: join(TOP_LEVEL, `${name}.mjs`) })
const LAUNCHED_ONCE = new URL('../test/fixtures/isolation/launched-once/', import.meta.url).pathname
type Mode = 'worker' | 'process'
const marked = () => (globalThis as { switchyardTopLevelRan?: number }).switchyardTopLevelRan

const sandbox = sandboxTestFolder('switchyard-manifest-')
const { hosts } = sandbox

const calm = calmPlugin
/** Ledger statuses of a delivery not finished yet. */
const PENDING = new Set(['scheduled', 'pending', 'retrying'])

async function startHost(
  plugins: NonNullable<HostOptions['plugins']>,
  config: SwitchyardConfigInput,
): Promise<PluginHost> {
  const host = new PluginHost({
    cwd: sandbox.cwd(),
    appPackageJson: false,
    startTimeoutMs: 60_000,
    plugins,
    config: {
      plugin_directories: [],
      storage: { driver: 'memory' },
      plugin_defaults: { limits: { unresponsive_ms: 3000, memory_mb: 64 } },
      ...config,
    },
  })
  hosts.push(host)
  await host.start()
  return host
}

describe.each<Mode>(['worker', 'process'])('isolated plugin modules: %s', { timeout: 60_000 }, (mode) => {
  it('hands a batching handler in a sandbox its batch as one array; each event ledger row shares the outcome', async () => {
    const host = await startHost([fixture('batches')], { plugins: { batches: { isolation: mode } } })
    const publish = (ns: number[]) =>
      Promise.all(ns.map((n) => host.bus.publish(createEvent('row.imported', { n }))))
    const good = await publish([1, 2, 3])
    expect(good.map((report) => report.outcomes[0]?.status)).toEqual(Array(3).fill('succeeded'))
    const bad = await publish([4, 0, 5])
    const statuses = bad.map((report) => report.outcomes[0]?.status)
    expect(new Set(statuses).size).toBe(1)
    expect(statuses[0]).not.toBe('succeeded')
    expect(((await host.store.kvGet('batches', 'batches')) as number[][]).slice(0, 2)).toEqual([
      [1, 2, 3],
      [4, 0, 5],
    ])
    // enqueued, each event's row in the ledger takes its batch's outcome
    const ledgerStatuses = async (ns: number[]) => {
      const events = ns.map((n) => createEvent('row.imported', { n }))
      for (const event of events) await host.bus.enqueue(event)
      return vi.waitFor(
        async () => {
          const rows = await Promise.all(events.map((event) => host.store.deliveries(event.id)))
          const found = rows.map((row) => row[0]?.status)
          if (found.some((status) => status === undefined || PENDING.has(status)))
            throw new Error(`not final yet: ${found.join(', ')}`)
          return found
        },
        { timeout: 20_000, interval: 50 },
      )
    }
    expect(await ledgerStatuses([6, 7, 8])).toEqual(Array(3).fill('succeeded'))
    expect(await ledgerStatuses([9, 0, 10])).toEqual(Array(3).fill(statuses[0]))
  })

  it('imports an isolated plugin only in its sandbox: its top-level code never runs in the host', async () => {
    const host = await startHost([fixture('marks')], {
      plugins: { marks: { isolation: mode, config: { greeting: 'hello there', token: 's3cr3t-value' } } },
    })
    expect(host.plugin('marks')).toMatchObject({ state: 'started', isolation: { mode } })
    expect(marked()).toBeUndefined()
    // The schema parsed in the sandbox: its default applied, its secret redacted, its JSON Schema served.
    expect((await host.bus.publish(createEvent('marks.ping', { n: 1 }))).outcomes[0]?.status).toBe(
      'succeeded',
    )
    expect(await host.store.kvGet('marks', 'ran')).toEqual({
      config: { greeting: 'hello there', token: 's3cr3t-value', times: 1 },
      mark: 1,
    })
    expect(host.plugin('marks').config).toEqual({ greeting: 'hello there', token: '[redacted]', times: 1 })
    expect(host.pluginConfigSchema('marks').schema).toMatchObject({
      properties: { greeting: { type: 'string' }, times: { type: 'number', default: 1 } },
    })
    // Its declared payload schema checks its own publishes in the sandbox; the catalog shows it as JSON Schema.
    const [refused] = (await host.bus.publish(createEvent('marks.ping', { n: 'one' }))).outcomes
    expect(refused?.error?.cause?.message).toMatch(
      /marks\.pinged \(as declared by marks 1\.0\.0\): data\.n: expected number/,
    )
    expect(host.eventCatalog().events).toContainEqual(
      expect.objectContaining({ type: 'marks.pinged', schema: expect.objectContaining({ type: 'object' }) }),
    )
    await host.reload('marks')
    expect(host.plugin('marks')).toMatchObject({ state: 'started', reloads: 1 })
    // Disabled, enabled again (a new sandbox parses its config and runs it), then removed: as in-process.
    await host.disable('marks')
    expect(host.plugin('marks')).toMatchObject({ state: 'disabled', isolation: { state: 'stopped' } })
    await host.enable('marks')
    expect(host.plugin('marks')).toMatchObject({ state: 'started', isolation: { mode, state: 'running' } })
    expect((await host.bus.publish(createEvent('marks.ping', { n: 2 }))).outcomes[0]?.status).toBe(
      'succeeded',
    )
    await host.removePlugin('marks')
    expect(host.status().map((plugin) => plugin.name)).not.toContain('marks')
    expect(marked()).toBeUndefined()
  })

  it('places an isolated plugin’s config issues, found by its own schema in the sandbox, in the file', async () => {
    const file = join(sandbox.cwd(), `manifest-${mode}.yaml`)
    await writeFile(
      file,
      [
        'plugin_directories: []',
        'storage: { driver: memory }',
        'plugins:',
        '  marks:',
        `    isolation: ${mode}`,
        '    config:',
        '      greeting: good morning',
        '',
      ].join('\n'),
    )
    const host = new PluginHost({
      cwd: sandbox.cwd(),
      appPackageJson: false,
      configPath: file,
      plugins: [fixture('marks')],
    })
    hosts.push(host)
    await host.start()
    expect(host.plugin('marks')).toMatchObject({ state: 'failed' })
    expect(host.plugin('marks').reason).toMatch(
      /manifest-\w+\.yaml:7:\d+: plugins\.marks\.config\.greeting: .*a greeting starting with hello/,
    )
    expect(marked()).toBeUndefined()
  })

  it('survives a module whose import exits or never ends: that plugin fails, the others start', async () => {
    const host = await startHost([fixture('exits'), fixture('spins'), calm], {
      plugin_defaults: { isolation: mode, limits: { unresponsive_ms: 1000 } },
      plugins: { calm: { isolation: 'none' } },
    })
    const states = Object.fromEntries(host.status().map((plugin) => [plugin.name, plugin.state]))
    expect(states).toEqual({ exits: 'failed', spins: 'failed', calm: 'started' })
    expect(host.plugin('exits').reason).toContain('cannot load')
    expect(host.plugin('spins').reason).toContain('E_PLUGIN_UNRESPONSIVE')
    expect((await host.bus.publish(createEvent('calm.ping', {}))).outcomes[0]?.status).toBe('succeeded')
  })
})

describe('plugins whose package.json declares their name', { timeout: 60_000 }, () => {
  it('isolates by the declared name, and fails a module that names itself otherwise', async () => {
    const host = new PluginHost({
      cwd: sandbox.cwd(),
      appPackageJson: false,
      startTimeoutMs: 60_000,
      config: {
        plugin_directories: [join(TOP_LEVEL, '../declared')],
        storage: { driver: 'memory' },
        plugins: { named: { isolation: 'worker' }, misnamed: { isolation: 'worker' } },
      },
    })
    hosts.push(host)
    await host.start()
    expect(host.plugin('named')).toMatchObject({ state: 'started', isolation: { mode: 'worker' } })
    expect(marked()).toBeUndefined()
    const misnamed = host.status().find((plugin) => plugin.state === 'failed')
    expect(misnamed?.reason).toContain('declares eventPlugin.name "misnamed"')
  })

  // A sandbox costs a launch of a thread or a process (seconds at load): the one that read the manifest is kept.
  it.each<[Mode, 'package' | 'single file']>([
    ['worker', 'package'],
    ['process', 'package'],
    ['worker', 'single file'],
  ])('starts a %s plugin (%s) in the sandbox that read its manifest: one launch', async (mode, source) => {
    const threadsBefore = await lastThreadId()
    const host = new PluginHost({
      cwd: sandbox.cwd(),
      appPackageJson: false,
      startTimeoutMs: 60_000,
      ...(source === 'single file' && { plugins: [{ module: join(LAUNCHED_ONCE, 'tally/tally.mjs') }] }),
      config: {
        plugin_directories: source === 'package' ? [LAUNCHED_ONCE] : [],
        storage: { driver: 'sqlite', path: join(sandbox.cwd(), `once-${mode}.db`) },
        plugins: { tally: { isolation: mode } },
      },
    })
    hosts.push(host)
    await host.start()
    const { isolation } = host.plugin('tally')
    expect(isolation).toMatchObject({ mode, state: 'running' })
    // Threads are numbered in launch order; a process sandbox writes a line in its data folder when imported.
    if (mode === 'worker') expect(isolation?.threadId).toBe(threadsBefore + 1)
    else expect(await importsLogged(join(sandbox.cwd(), 'sandbox'))).toEqual([`tally: ${isolation?.pid}`])
  })
})

/** The id of the last thread this process started (a new one's, which ends at once). */
async function lastThreadId(): Promise<number> {
  const worker = new Worker('', { eval: true })
  const { threadId } = worker
  await worker.terminate()
  return threadId
}

/** The imports the tally fixture logged under `root`, each as `<data folder>: <pid>`. */
async function importsLogged(root: string): Promise<string[]> {
  const files = (await readdir(root, { recursive: true })).filter((file) => file.endsWith('imports.log'))
  const lines = await Promise.all(
    files.map(async (file) =>
      (await readFile(join(root, file), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((pid) => `${dirname(file)}: ${pid}`),
    ),
  )
  return lines.flat()
}
