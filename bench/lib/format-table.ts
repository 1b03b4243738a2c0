import { type GroupResult, type TargetCheck, throughput } from './suite.js'

/**
 * The cells of a group's table, header first: each row's throughput (per CPU-second when measured, and per
 * wall-clock second), its ratio to the baseline row's (see `throughput`), the range of its rounds when known,
 * and its latency percentiles (p99.9 when a row has it).
 *
 * @example
 * ```ts
 * const [header, ...rows] = groupCells(group)
 * ```
 */
export function groupCells(group: GroupResult): string[][] {
  const baseline = group.rows.find((row) => row.name === group.baseline)
  const cpu = group.rows.some((row) => row.cpuOpsPerSec !== undefined)
  const ranges = group.rows.some((row) => row.roundRange !== undefined)
  const tail = group.rows.some((row) => row.p999Ms !== undefined)
  const header = [
    'case',
    ...(cpu ? [`${group.unit} (CPU)`] : []),
    `${group.unit}${cpu ? ' (wall)' : ''}`,
    `vs ${group.baseline}`,
    ...(ranges ? ['rounds min-max'] : []),
    'p50',
    'p99',
    ...(tail ? ['p99.9'] : []),
  ]
  const rows = group.rows.map((row) => [
    row.name,
    ...(cpu ? [row.cpuOpsPerSec === undefined ? 'n/a' : formatCount(row.cpuOpsPerSec)] : []),
    formatCount(row.opsPerSec),
    baseline ? `${(throughput(row) / throughput(baseline)).toFixed(2)}x` : 'n/a',
    ...(ranges ? [row.roundRange ? row.roundRange.map(formatShort).join('-') : 'n/a'] : []),
    formatDuration(row.p50Ms),
    formatDuration(row.p99Ms),
    ...(tail ? [formatDuration(row.p999Ms ?? Number.NaN)] : []),
  ])
  return [header, ...rows]
}

/**
 * The cells of a target list, header first.
 *
 * @example
 * ```ts
 * console.log(renderText(targetCells(result.targets)))
 * ```
 */
export function targetCells(targets: readonly TargetCheck[]): string[][] {
  return [
    ['target', 'bar', 'measured', 'result'],
    ...targets.map((t) => [t.label, t.bar, t.actual, t.pass ? 'pass' : 'MISS']),
  ]
}

/**
 * A Markdown table; the first row is the header, numeric-looking columns are right-aligned.
 *
 * @example
 * ```ts
 * renderMarkdown([['a', 'b'], ['1', '2']]) // '| a | b |\n|--:|--:|\n| 1 | 2 |'
 * ```
 */
export function renderMarkdown(cells: readonly string[][]): string {
  const [header = [], ...rows] = cells
  const align = header.map((_, col) => (isNumericColumn(rows, col) ? '--:' : '---'))
  return [header, align, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n')
}

/**
 * A plain-text table padded for the console; the first row is the header.
 *
 * @example
 * ```ts
 * console.log(renderText(groupCells(group)))
 * ```
 */
export function renderText(cells: readonly string[][]): string {
  const widths = (cells[0] ?? []).map((_, col) => Math.max(...cells.map((row) => row[col]?.length ?? 0)))
  const numeric = widths.map((_, col) => isNumericColumn(cells.slice(1), col))
  return cells
    .map((row) =>
      row
        .map((cell, col) => (numeric[col] ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!)))
        .join('  '),
    )
    .join('\n')
}

function isNumericColumn(rows: readonly string[][], col: number): boolean {
  return (
    rows.length > 0 &&
    rows.every((row) => /^[\d.,]+\s?(x|µs|ms|s|k|M)?(-[\d.]+(k|M)?)?$/.test(row[col] ?? ''))
  )
}

/** `1234567` -> `1,234,567`. */
function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

/** `1234567` -> `1.23M`, `45678` -> `45.7k`. */
function formatShort(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`
  return value.toFixed(0)
}

/** Milliseconds in the unit that keeps three significant digits readable. */
function formatDuration(ms: number): string {
  if (Number.isNaN(ms)) return 'n/a'
  // Only a whole-millisecond clock (autocannon's) reads exactly 0.
  if (ms === 0) return '< 1 ms'
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`
  if (ms < 1000) return `${ms.toFixed(2)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}
