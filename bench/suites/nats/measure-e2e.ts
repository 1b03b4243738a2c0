import { median, percentile } from '../../lib/stats.js'
import type { GroupResult, Row, SuiteContext } from '../../lib/suite.js'

/** A case ready to push blocks of events through publish -> handler -> ack. */
export interface E2eRunner {
  /** Publishes `count` new events and resolves once every one was handled; each event's latency in ns. */
  run(count: number): Promise<Float64Array>
  teardown(): Promise<void>
}

/** One row of a group: how to build it. Setup is not timed. */
export interface E2eCase {
  name: string
  setup(): Promise<E2eRunner>
}

/** Events per untimed warm-up block and per timed block, and how many timed rounds. */
export interface E2eSizes {
  warmup: number
  block: number
  rounds: number
}

/** The group to measure and the table metadata of its result. */
export interface E2eGroupSpec extends Omit<GroupResult, 'rows'> {
  cases: E2eCase[]
  sizes: E2eSizes
}

/**
 * Measures every case: an untimed warm-up block each, then rounds in which the cases take turns (order rotated
 * each round), each timing one block end to end. Each row reports the median of its rounds.
 *
 * @example
 * ```ts
 * const group = await measureE2e({ title, unit: 'events/s', baseline: 'raw nats.js', cases, sizes }, ctx)
 * ```
 */
export async function measureE2e(spec: E2eGroupSpec, ctx: SuiteContext): Promise<GroupResult> {
  const { cases, sizes, ...result } = spec
  const runners: E2eRunner[] = []
  try {
    for (const e2eCase of cases) {
      const runner = await e2eCase.setup()
      runners.push(runner)
      await runner.run(sizes.warmup)
    }
    const rates = cases.map((): number[] => [])
    const p50 = cases.map((): number[] => [])
    const p99 = cases.map((): number[] => [])
    for (let round = 0; round < sizes.rounds; round++) {
      for (let k = 0; k < runners.length; k++) {
        const index = (k + round) % runners.length
        const started = process.hrtime.bigint()
        const latencies = await runners[index]!.run(sizes.block)
        const elapsedNs = Number(process.hrtime.bigint() - started)
        rates[index]!.push(sizes.block / (elapsedNs / 1e9))
        latencies.sort()
        p50[index]!.push(percentile(latencies, 0.5) / 1e6)
        p99[index]!.push(percentile(latencies, 0.99) / 1e6)
      }
    }
    const rows: Row[] = cases.map((c, i) => ({
      name: c.name,
      opsPerSec: median(rates[i]!),
      p50Ms: median(p50[i]!),
      p99Ms: median(p99[i]!),
    }))
    ctx.log(`${spec.title}: ${rows.map((r) => `${r.name} ${Math.round(r.opsPerSec)}/s`).join(', ')}`)
    return { ...result, rows }
  } finally {
    for (const runner of runners) await runner.teardown()
  }
}
