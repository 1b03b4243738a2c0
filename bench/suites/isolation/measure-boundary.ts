import { createEvent } from '@switchyard/core'
import { type BenchCase, measureGroup } from '../../lib/measure.js'
import type { GroupResult, SuiteContext } from '../../lib/suite.js'
import { MODES, type Mode, modeRow, startIsolatedHost, writeBenchPlugin } from './isolated-hosts.js'

/** Operations started together in one timed operation: what lets the sandbox channel batch its messages. */
export const CONCURRENT = 64

type Work = (host: Awaited<ReturnType<typeof startIsolatedHost>>, i: number) => Promise<unknown>

function boundaryCase(mode: Mode, dir: string, work: Work): BenchCase {
  return {
    name: modeRow(mode),
    async setup() {
      const host = await startIsolatedHost(mode, [await writeBenchPlugin(dir, 'bench-target')], dir)
      return {
        prepare: () => undefined,
        run: (i) => Promise.all(Array.from({ length: CONCURRENT }, (_, k) => work(host, i * CONCURRENT + k))),
        teardown: () => host.stop(),
      }
    },
  }
}

// A process sandbox works in another process, whose CPU time this process's clock does not see: the rows are
// compared by wall clock (cpuOpsPerSec dropped), and scaled from batches to single operations.
function perOperation(group: GroupResult): GroupResult {
  return {
    ...group,
    rows: group.rows.map(({ cpuOpsPerSec: _cpu, roundRange: _range, ...row }) => ({
      ...row,
      opsPerSec: row.opsPerSec * CONCURRENT,
    })),
  }
}

/** No-op delivery through each mode: `bus.publish` of 64 events at once, awaited together. */
export async function measureDelivery(dir: string, ctx: SuiteContext): Promise<GroupResult> {
  const publish: Work = async (host, i) => {
    const report = await host.bus.publish(createEvent('bench.bench_target.tick', { i }))
    if (report.outcomes[0]?.status !== 'succeeded') throw new Error(`delivery ${report.outcomes[0]?.status}`)
  }
  return perOperation(
    await measureGroup(
      {
        title: `Publish to one no-op plugin handler, ${CONCURRENT} events at a time: in-process vs worker vs process sandbox`,
        unit: 'events/s',
        baseline: modeRow('none'),
        cases: MODES.map((mode) => boundaryCase(mode, dir, publish)),
        options: { latencySamples: 50, rounds: 4 },
      },
      ctx,
    ),
  )
}

/** A plugin route through each mode: `host.fetch` (the host's Hono app, no socket) of 64 GETs at once. */
export async function measureRoute(dir: string, ctx: SuiteContext): Promise<GroupResult> {
  const get: Work = async (host) => {
    const response = await host.fetch(new Request('http://bench/plugins/bench-target/ping'))
    if (response.status !== 200) throw new Error(`route answered ${response.status}`)
    await response.arrayBuffer()
  }
  return perOperation(
    await measureGroup(
      {
        title: `GET a plugin route (the host's app, no socket), ${CONCURRENT} at a time: in-process vs worker vs process sandbox`,
        unit: 'req/s',
        baseline: modeRow('none'),
        cases: MODES.map((mode) => boundaryCase(mode, dir, get)),
        options: { latencySamples: 50, rounds: 4 },
      },
      ctx,
    ),
  )
}
