/** One measured row of a group: an implementation (or variant) doing the group's work. */
export interface Row {
  name: string
  /** Operations per second of wall-clock time (events, requests, starts… — the group's `unit`). */
  opsPerSec: number
  /**
   * Operations per second of CPU time used by this process. On a shared machine the wall clock also counts
   * the time other processes held the CPU; this does not. When set, ratios and targets use it.
   */
  cpuOpsPerSec?: number
  /** Lowest and highest round of the compared throughput (see `throughput`), to show how noisy the rows are. */
  roundRange?: readonly [number, number]
  /** Median latency of one operation, milliseconds. */
  p50Ms: number
  /** 99th percentile latency of one operation, milliseconds. */
  p99Ms: number
  /** 99.9th percentile, milliseconds, where a group measures it (the open-loop latency suite). */
  p999Ms?: number
}

/**
 * The throughput that ratios and targets compare: per CPU-second when measured, else per wall-clock second.
 *
 * @example
 * ```ts
 * throughput(row) / throughput(baseline)
 * ```
 */
export function throughput(row: Row): number {
  return row.cpuOpsPerSec ?? row.opsPerSec
}

/** Rows that did the same work, compared against one of them. */
export interface GroupResult {
  title: string
  /** What every row does, in one or two sentences (printed under the table). */
  description?: string
  /** What one operation is, for the throughput column header: `events/s`, `req/s`… */
  unit: string
  /** Name of the row that ratios are computed against. */
  baseline: string
  rows: Row[]
}

/** An issue target checked against the measured rows. */
export interface TargetCheck {
  /** What is compared, e.g. `publish to 1 handler vs bare loop`. */
  label: string
  /** The bar, e.g. `>= 0.33x`. */
  bar: string
  /** The measured value, e.g. `0.41x`. */
  actual: string
  pass: boolean
}

/** Everything a suite hands back to the runner: printed, and written as the suite's section of RESULTS.md. */
export interface SuiteResult {
  groups: GroupResult[]
  targets: TargetCheck[]
  /** Markdown paragraphs: what is measured, how, and what the numbers mean. */
  notes: string[]
}

/** Run-wide settings a suite may honour. */
export interface SuiteContext {
  /** `--quick`: short rounds, for checking that a suite works rather than for numbers. */
  quick: boolean
  /** Progress lines for the console (not written to RESULTS.md). */
  log(message: string): void
}

/**
 * A benchmark suite: one file under `bench/suites/`, registered in `bench/suites/index.ts`, run by
 * `pnpm bench` (all suites) or `pnpm bench -- <name>` (that suite alone).
 *
 * @example
 * ```ts
 * export const startupSuite: Suite = {
 *   name: 'startup',
 *   title: 'Host start-up with 100 plugins',
 *   async run(ctx) {
 *     const group = await measureGroup({ title: 'start', unit: 'starts/s', baseline: 'empty host', cases }, ctx)
 *     return { groups: [group], targets: [], notes: ['One start = …'] }
 *   },
 * }
 * ```
 */
export interface Suite {
  /** Lowercase, used on the command line and as the RESULTS.md section key. */
  name: string
  title: string
  run(ctx: SuiteContext): Promise<SuiteResult>
}
