import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PluginHost } from '@switchyard/host'
import { median, percentile } from '../lib/stats.js'
import type { GroupResult, Row, Suite, SuiteContext, TargetCheck } from '../lib/suite.js'
import { findRow, ratioTarget } from '../lib/targets.js'
import { measurePluginScope, SCOPED, UNSCOPED } from './host/plugin-scope.js'

const PLUGINS = 100
const RELOADED = 'plugin-50'

/**
 * Writes `count` plugin packages under `root`, each as `switchyard create-plugin` would lay it out: package.json
 * with eventPlugin, an ESM entry with a handler, a route and a health check; every plugin but the first depends on
 * another one. The scaling suite writes 10 to 1,000 of them.
 */
export async function writePlugins(root: string, count = PLUGINS): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const dir = join(root, `plugin-${i}`)
      await mkdir(dir, { recursive: true })
      const dependencies = i === 0 ? {} : { [`plugin-${Math.floor(i / 2)}`]: '^1.0.0' }
      const manifest = {
        name: `@bench/plugin-${i}`,
        version: '1.0.0',
        type: 'module',
        eventPlugin: './index.js',
      }
      await writeFile(join(dir, 'package.json'), JSON.stringify(manifest))
      await writeFile(
        join(dir, 'index.js'),
        `export default {
  name: 'plugin-${i}', version: '1.0.0', dependencies: ${JSON.stringify(dependencies)},
  permissions: ['events:subscribe', 'http:routes'],
  setup(ctx) {
    ctx.on('bench.plugin_${i}.*', () => undefined, { name: 'plugin_${i}_handler' })
    ctx.routes.get('/status', (c) => c.json({ ok: true }))
    ctx.health(() => ({ status: 'ok' }))
  },
}
`,
      )
    }),
  )
}

/** A host discovering the plugins of `dir`, on the memory store. */
export const makeHost = (dir: string) =>
  new PluginHost({
    cwd: dir,
    appPackageJson: false,
    config: { plugin_directories: [dir], storage: { driver: 'memory' } },
  })

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint()
  await work()
  return Number(process.hrtime.bigint() - started) / 1e6
}

function row(name: string, samples: number[]): Row {
  const sorted = Float64Array.from(samples).sort()
  const p50Ms = median(samples)
  return { name, opsPerSec: 1000 / p50Ms, p50Ms, p99Ms: percentile(sorted, 0.99) }
}

// Starts a host on `dir`, checks every plugin started (a start that skips plugins would look fast), stops it.
async function startOnce(dir: string, expected: number): Promise<number> {
  const host = makeHost(dir)
  const ms = await timed(() => host.start())
  const started = host.status().filter((p) => p.state === 'started').length
  await host.stop()
  if (started !== expected) throw new Error(`host start: ${started} of ${expected} plugins started`)
  return ms
}

async function measureStart(root: string, runs: number): Promise<GroupResult> {
  const empty = join(root, 'empty')
  await mkdir(empty)
  const dirs = Array.from({ length: runs + 1 }, (_, i) => join(root, `cold-${i}`))
  for (const dir of dirs) await writePlugins(dir)
  const cold: number[] = []
  const warm: number[] = []
  const bare: number[] = []
  // Each cold start reads never-imported modules; warm starts re-use the first directory's cached modules.
  for (const dir of dirs) cold.push(await startOnce(dir, PLUGINS))
  for (let i = 0; i < runs; i++) warm.push(await startOnce(dirs[0] as string, PLUGINS))
  for (let i = 0; i < runs; i++) bare.push(await startOnce(empty, 0))
  return {
    title: `PluginHost.start with ${PLUGINS} plugin packages (discover, import, order, setup)`,
    unit: 'starts/s',
    baseline: 'empty host',
    rows: [
      row('empty host', bare),
      row(`${PLUGINS} plugins, first import`, cold.slice(1)),
      row(`${PLUGINS} plugins, modules cached`, warm),
    ],
  }
}

async function measureReload(root: string, runs: number): Promise<GroupResult> {
  const dir = join(root, 'reload')
  await writePlugins(dir)
  const host = makeHost(dir)
  await host.start()
  const samples: number[] = []
  for (let i = 0; i < runs + 2; i++) samples.push(await timed(() => host.reload(RELOADED)))
  const { state, reloads } = host.plugin(RELOADED)
  await host.stop()
  if (state !== 'started' || reloads !== runs + 2)
    throw new Error(`reload: ${RELOADED} is ${state} after ${reloads} reloads`)
  return {
    title: `PluginHost.reload of one plugin among ${PLUGINS} (fresh import, drained swap)`,
    unit: 'reloads/s',
    baseline: 'reload',
    rows: [row('reload', samples.slice(2))],
  }
}

const underTarget = (label: string, measured: Row, barMs: number): TargetCheck => ({
  label,
  bar: `p50 < ${barMs} ms`,
  actual: `${measured.p50Ms.toFixed(1)} ms`,
  pass: measured.p50Ms < barMs,
})

const notes = [
  `**Start-up**: ${PLUGINS} generated plugin packages in one directory (package.json with \`eventPlugin\`, an ESM entry
with one handler, one route and one health check; each plugin but the first depends on another, so the order is
resolved with semver checks). One operation is \`await host.start()\`: discovery, import, manifest validation,
dependency order, config parsing and every \`setup\`, on a MemoryStore. \`host.stop()\` is outside the timer. The
harness checks that all ${PLUGINS} plugins reached \`started\`.`,
  `"first import" starts each time from a fresh copy of the packages, so Node reads and compiles every module, as
at process start; "modules cached" restarts on one directory whose modules Node already holds. "empty host" is the
same call with no plugin: the fixed cost.`,
  `**Reload**: \`host.reload('${RELOADED}')\` on a running host: import of the entry with a new query string
(Node evaluates it again), hold of its handlers, drain, stop, setup of the new version, release. The first two
reloads are not counted. Each row is the median (p50) and p99 of its runs; events/s columns are 1000 / p50.`,
  `**Plugin scope** (issue 15): one async handler subscribed by a plugin through \`ctx.on\` on the real
\`PluginHost\` (every attempt runs in an AsyncLocalStorage scope naming the plugin and the delivery, so a stray
fault is charged to it) against the same handler subscribed on such a host's bus directly (same bus, event-catalog
filter and process, no scope). Node 20's process-wide promise hook, which any AsyncLocalStorage turns on, is paid by
both rows once a host ran plugin code; the ratio is the scope's own cost per delivery.`,
]

/** Host start-up with 100 plugin packages and the reload time of one plugin. */
export const hostSuite: Suite = {
  name: 'host',
  title: `plugin host: start-up with ${PLUGINS} plugins, reload of one`,
  async run(ctx: SuiteContext) {
    const root = await mkdtemp(join(tmpdir(), 'switchyard-bench-host-'))
    try {
      const start = await measureStart(root, ctx.quick ? 2 : 7)
      ctx.log(`start: ${start.rows.map((r) => `${r.name} ${r.p50Ms.toFixed(1)} ms`).join(', ')}`)
      const reload = await measureReload(root, ctx.quick ? 5 : 40)
      ctx.log(`reload: ${reload.rows.map((r) => `${r.p50Ms.toFixed(1)} ms`).join(', ')}`)
      const scope = await measurePluginScope(ctx)
      const cold = start.rows[1] as Row
      return {
        groups: [start, reload, scope],
        targets: [
          underTarget(`start with ${PLUGINS} plugins (first import)`, cold, 1000),
          underTarget('reload of one plugin', reload.rows[0] as Row, 100),
          ratioTarget(
            'publish to a plugin handler, fault scope / no scope',
            findRow(scope, SCOPED),
            findRow(scope, UNSCOPED),
            { min: 0.95 },
          ),
        ],
        notes,
      }
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  },
}
