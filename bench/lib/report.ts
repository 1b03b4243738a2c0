import { groupCells, renderMarkdown, renderText, targetCells } from './format-table.js'
import type { Suite, SuiteResult } from './suite.js'

/**
 * The RESULTS.md section of one suite run: where and when it ran, each group's table, the targets with
 * pass/miss, and the suite's notes on what is measured.
 *
 * @example
 * ```ts
 * await writeSection(resultsPath, suite.name, renderSection(suite, result, machineInfo()))
 * ```
 */
export function renderSection(suite: Suite, result: SuiteResult, machine: string): string {
  const parts = [
    `## ${suite.name}: ${suite.title}`,
    `Measured on ${machine} with \`pnpm bench -- ${suite.name}\`.`,
  ]
  for (const group of result.groups) {
    parts.push(`### ${group.title}`)
    if (group.description) parts.push(group.description)
    parts.push(renderMarkdown(groupCells(group)))
  }
  if (result.targets.length > 0) parts.push('### Targets', renderMarkdown(targetCells(result.targets)))
  if (result.notes.length > 0) parts.push('### What is measured', ...result.notes)
  return parts.join('\n\n')
}

/**
 * The console version of a suite's results: each group's table and the targets.
 *
 * @example
 * ```ts
 * console.log(renderConsole(suite, result))
 * ```
 */
export function renderConsole(suite: Suite, result: SuiteResult): string {
  const parts = [`== ${suite.name}: ${suite.title}`]
  for (const group of result.groups) parts.push(`-- ${group.title}`, renderText(groupCells(group)))
  if (result.targets.length > 0) parts.push('-- targets', renderText(targetCells(result.targets)))
  return parts.join('\n\n')
}
