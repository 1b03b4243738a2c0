/**
 * A plain-text table: a header row and one row per item, columns padded to their widest cell, two spaces
 * apart; `(none)` when there are no rows.
 *
 * @example
 * ```ts
 * formatTable(['NAME', 'STATE'], [['audit-log', 'started']])
 * // 'NAME       STATE\naudit-log  started\n'
 * ```
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '(none)\n'
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return `${[headers, ...rows].map(line).join('\n')}\n`
}
