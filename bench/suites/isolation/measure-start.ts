import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { median, percentile } from '../../lib/stats.js'
import type { GroupResult, Row } from '../../lib/suite.js'
import { MODES, modeRow, startIsolatedHost, writeBenchPlugin } from './isolated-hosts.js'

/** Plugins started at once in the start-up group. */
export const STARTED = 20

function row(name: string, samples: number[]): Row {
  const p50Ms = median(samples)
  return { name, opsPerSec: 1000 / p50Ms, p50Ms, p99Ms: percentile(Float64Array.from(samples).sort(), 0.99) }
}

/** `host.start()` with 20 plugin files in each mode (every sandbox launched and set up), `runs` times each. */
export async function measureStart(dir: string, runs: number): Promise<GroupResult> {
  const folder = join(dir, 'start')
  await mkdir(folder, { recursive: true })
  const files = await Promise.all(
    Array.from({ length: STARTED }, (_, i) => writeBenchPlugin(folder, `start-${i}`)),
  )
  const rows: Row[] = []
  for (const mode of MODES) {
    const samples: number[] = []
    for (let i = 0; i < runs; i++) {
      const started = performance.now()
      const host = await startIsolatedHost(mode, files, dir)
      samples.push(performance.now() - started)
      await host.stop()
    }
    rows.push(row(modeRow(mode), samples))
  }
  return {
    title: `PluginHost.start with ${STARTED} plugin files: in-process vs ${STARTED} worker vs ${STARTED} process sandboxes`,
    unit: 'starts/s',
    baseline: modeRow('none'),
    rows,
  }
}
