import { type GroupResult, type Row, type TargetCheck, throughput } from './suite.js'

/**
 * The row of `group` called `name`; a suite asking for a row it did not measure is a bug in the suite.
 *
 * @example
 * ```ts
 * const bare = findRow(group, 'bare loop')
 * ```
 */
export function findRow(group: GroupResult, name: string): Row {
  const row = group.rows.find((r) => r.name === name)
  if (!row) throw new Error(`group "${group.title}" has no row "${name}"`)
  return row
}

/** Bounds of a throughput ratio: at least `min`, below `max`. */
export interface RatioBar {
  min?: number
  max?: number
}

/**
 * Checks `throughput(numerator) / throughput(denominator)` against a bar. For a cost ratio ("A costs less than
 * 2x B"), pass B's row as numerator: B's throughput over A's is A's cost over B's.
 *
 * @example
 * ```ts
 * ratioTarget('switchyard vs emittery', switchyard, emittery, { min: 2 })
 * ```
 */
export function ratioTarget(label: string, numerator: Row, denominator: Row, bar: RatioBar): TargetCheck {
  const ratio = throughput(numerator) / throughput(denominator)
  const pass = (bar.min === undefined || ratio >= bar.min) && (bar.max === undefined || ratio < bar.max)
  const bounds = [
    bar.min !== undefined && `>= ${bar.min.toFixed(2)}x`,
    bar.max !== undefined && `< ${bar.max}x`,
  ]
  return { label, bar: bounds.filter(Boolean).join(' and '), actual: `${ratio.toFixed(2)}x`, pass }
}
