import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { GroupResult } from '../../lib/suite.js'
import { makeHost, writePlugins } from '../host.js'

/** One host start with `count` plugins: how long it took and what it added to the heap. */
interface PluginStart {
  count: number
  ms: number
  heapMb: number
}

const mb = (bytes: number) => bytes / (1024 * 1024)

/** A full garbage collection, so the heap measured is what the host holds (the flag only exposes `gc`). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/**
 * Starts a host on `count` freshly written plugin packages (first import), checks that all of them started, and
 * measures the start time and the heap it holds once started (after a full GC).
 */
async function startWith(count: number): Promise<PluginStart> {
  const dir = await mkdtemp(join(tmpdir(), `switchyard-bench-plugins-${count}-`))
  try {
    await writePlugins(dir, count)
    collectGarbage()
    const heapBefore = process.memoryUsage().heapUsed
    const host = makeHost(dir)
    const started = performance.now()
    await host.start()
    const ms = performance.now() - started
    collectGarbage()
    const heapMb = mb(process.memoryUsage().heapUsed - heapBefore)
    const running = host.status().filter((p) => p.state === 'started').length
    await host.stop()
    if (running !== count) throw new Error(`host start: ${running} of ${count} plugins started`)
    return { count, ms, heapMb }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * PluginHost.start with 10, 100 and 1,000 plugins (one start each: every start imports fresh modules), and the
 * heap each host holds once started (in the row name, as the table has no memory column).
 */
export async function measurePluginScale(counts: readonly number[]): Promise<GroupResult> {
  const starts: PluginStart[] = []
  for (const count of counts) starts.push(await startWith(count))
  const name = (s: PluginStart) =>
    `${s.count.toLocaleString('en-US')} plugins (heap +${s.heapMb.toFixed(1)} MB, ${((s.heapMb / s.count) * 1024).toFixed(0)} KB each)`
  return {
    title: `PluginHost.start with ${counts.map((c) => c.toLocaleString('en-US')).join(' / ')} plugin packages (first import)`,
    unit: 'starts/s',
    baseline: name(starts[0]!),
    rows: starts.map((s) => ({ name: name(s), opsPerSec: 1000 / s.ms, p50Ms: s.ms, p99Ms: s.ms })),
  }
}
