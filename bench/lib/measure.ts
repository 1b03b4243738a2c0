import { setImmediate as nextMacrotask } from 'node:timers/promises'
import { median, percentile } from './stats.js'
import { type GroupResult, type Row, type SuiteContext, throughput } from './suite.js'

/** A built implementation, ready to run operations. */
export interface CaseRunner {
  /** Builds the inputs of the next `count` operations (events, payloads), replacing the previous ones; never timed. */
  prepare(count: number): void
  /** Runs operation `i` (0-based, below the last prepared count); settles when the operation is done. */
  run(i: number): Promise<unknown>
  /** Handler calls so far, checked against `callsPerOp` so a case that skips work fails loudly. */
  calls?(): number
  callsPerOp?: number
  teardown?(): Promise<void> | void
}

/** One row of a group: how to build it. Setup is not timed. */
export interface BenchCase {
  name: string
  setup(): Promise<CaseRunner> | CaseRunner
}

/** How long and how often each case runs. */
export interface MeasureOptions {
  /** Untimed running before the rounds, also used to size a round from `roundMs`. */
  warmupMs: number
  /** Target duration of one timed round; turned into an operation count from the warm-up rate. */
  roundMs: number
  /** A fixed operation count per round instead of `roundMs`. */
  operations?: number
  /** Upper bound of operations per round (prepared inputs live in memory). */
  maxOperations: number
  rounds: number
  /** Operations timed one by one per round for p50/p99. */
  latencySamples: number
}

/** The group to measure: its cases and the table metadata of the result. */
export interface GroupSpec extends Omit<GroupResult, 'rows'> {
  cases: BenchCase[]
  options?: Partial<MeasureOptions>
}

const defaults: MeasureOptions = {
  warmupMs: 250,
  roundMs: 150,
  maxOperations: 100_000,
  rounds: 6,
  latencySamples: 10_000,
}
const quick: Partial<MeasureOptions> = { warmupMs: 30, roundMs: 30, rounds: 2, latencySamples: 1_000 }
const warmupChunk = 1_000
const minRound = 500

interface Measured {
  runner: CaseRunner
  perRound: number
  opsPerSec: number[]
  cpuOpsPerSec: number[]
  p50Ms: number[]
  p99Ms: number[]
}

/**
 * Measures every case of a group: warm-up, then `rounds` rounds in which the cases take turns (rotating the
 * order each round, so drift on a shared machine hits all of them alike). A round times a block of
 * operations for throughput (by the wall clock and by this process's CPU time), then times `latencySamples`
 * operations one by one with `process.hrtime` for p50/p99. Each row reports the median of its rounds.
 *
 * @example
 * ```ts
 * const group = await measureGroup({ title: '1 handler', unit: 'events/s', baseline: 'bare loop', cases }, ctx)
 * ```
 */
export async function measureGroup(spec: GroupSpec, ctx: SuiteContext): Promise<GroupResult> {
  const options: MeasureOptions = { ...defaults, ...spec.options, ...(ctx.quick ? quick : {}) }
  const started = performance.now()
  const measured: Measured[] = []
  for (const benchCase of spec.cases) {
    const runner = await benchCase.setup()
    const perRound = await warmUp(runner, options)
    measured.push({ runner, perRound, opsPerSec: [], cpuOpsPerSec: [], p50Ms: [], p99Ms: [] })
  }
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < measured.length; k++) {
      const index = (k + round) % measured.length
      await measureRound(measured[index]!, spec.cases[index]!.name, options)
    }
  }
  const rows: Row[] = measured.map((m, i) => ({
    name: spec.cases[i]!.name,
    opsPerSec: median(m.opsPerSec),
    cpuOpsPerSec: median(m.cpuOpsPerSec),
    roundRange: [Math.min(...m.cpuOpsPerSec), Math.max(...m.cpuOpsPerSec)] as const,
    p50Ms: median(m.p50Ms),
    p99Ms: median(m.p99Ms),
  }))
  for (const m of measured) await m.runner.teardown?.()
  const { cases: _cases, options: _options, ...result } = spec
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  ctx.log(
    `${spec.title} (${seconds} s): ${rows.map((r) => `${r.name} ${Math.round(throughput(r))}/s`).join(', ')}`,
  )
  return { ...result, rows }
}

/** Runs the case untimed for `warmupMs`; returns the operation count of one round. */
async function warmUp(runner: CaseRunner, options: MeasureOptions): Promise<number> {
  let done = 0
  let busyNs = 0n
  const until = performance.now() + options.warmupMs
  while (performance.now() < until) {
    runner.prepare(warmupChunk)
    const started = process.hrtime.bigint()
    for (let i = 0; i < warmupChunk; i++) await runner.run(i)
    busyNs += process.hrtime.bigint() - started
    done += warmupChunk
    await nextMacrotask()
  }
  return options.operations ?? roundSize(done / (Number(busyNs) / 1e9), options)
}

/** Operations that take about `roundMs` at `rate` per second, within bounds. */
function roundSize(rate: number, options: MeasureOptions): number {
  const size = Math.round((rate * options.roundMs) / 1000)
  return Math.max(minRound, Math.min(options.maxOperations, size))
}

async function measureRound(m: Measured, name: string, options: MeasureOptions): Promise<void> {
  const { runner, perRound } = m
  runner.prepare(perRound)
  const callsBefore = runner.calls?.() ?? 0
  // No forced GC before the block: after a full GC, V8 shrinks the young generation, and the block that follows
  // pays for more scavenges until it grows again, which penalises the cases that allocate most.
  const cpuBefore = process.cpuUsage()
  const started = process.hrtime.bigint()
  for (let i = 0; i < perRound; i++) await runner.run(i)
  const elapsedNs = Number(process.hrtime.bigint() - started)
  const cpu = process.cpuUsage(cpuBefore)
  const rate = perRound / (elapsedNs / 1e9)
  m.opsPerSec.push(rate)
  m.cpuOpsPerSec.push(perRound / ((cpu.user + cpu.system) / 1e6))
  checkCalls(runner, name, callsBefore, perRound)
  // A case that slows down as it runs (a store filling up) would otherwise blow the time budget.
  if (options.operations === undefined) m.perRound = roundSize(rate, options)
  await nextMacrotask()

  const samples = new Float64Array(Math.min(m.perRound, options.latencySamples))
  runner.prepare(samples.length)
  for (let i = 0; i < samples.length; i++) {
    const t = process.hrtime.bigint()
    await runner.run(i)
    samples[i] = Number(process.hrtime.bigint() - t)
  }
  // Inputs are dropped between rounds so that the heap, and so the GC's work, does not grow with every case
  // of the group holding its last round's events.
  runner.prepare(0)
  samples.sort()
  m.p50Ms.push(percentile(samples, 0.5) / 1e6)
  m.p99Ms.push(percentile(samples, 0.99) / 1e6)
  await nextMacrotask()
}

function checkCalls(runner: CaseRunner, name: string, before: number, operations: number): void {
  if (runner.calls === undefined || runner.callsPerOp === undefined) return
  const expected = operations * runner.callsPerOp
  const actual = runner.calls() - before
  if (actual !== expected) {
    throw new Error(`${name}: ${operations} operations made ${actual} handler calls, expected ${expected}`)
  }
}
