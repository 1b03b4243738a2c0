import { median } from './stats.js'
import type { Row } from './suite.js'

/**
 * Throughput of a synchronous operation (`fn(i)` for i = 0, 1, …) by the wall clock and by CPU time:
 * `rounds` timed blocks of `operations` calls after one untimed block, median of the rounds. Latency percentiles are not measured (NaN): a single
 * call is too short for the clock.
 *
 * @example
 * ```ts
 * const row = measureSync('createEvent', (n) => createEvent('order.placed', { n }))
 * ```
 */
export function measureSync(name: string, fn: (i: number) => unknown, operations = 50_000, rounds = 5): Row {
  const keep: unknown[] = new Array(operations)
  const rates: number[] = []
  const cpuRates: number[] = []
  for (let round = -1; round < rounds; round++) {
    const cpuBefore = process.cpuUsage()
    const started = process.hrtime.bigint()
    // Results are kept so the optimiser cannot drop the calls.
    for (let i = 0; i < operations; i++) keep[i] = fn(i)
    const elapsedNs = Number(process.hrtime.bigint() - started)
    const cpu = process.cpuUsage(cpuBefore)
    if (round < 0) continue
    rates.push(operations / (elapsedNs / 1e9))
    cpuRates.push(operations / ((cpu.user + cpu.system) / 1e6))
  }
  return {
    name,
    opsPerSec: median(rates),
    cpuOpsPerSec: median(cpuRates),
    p50Ms: Number.NaN,
    p99Ms: Number.NaN,
  }
}
