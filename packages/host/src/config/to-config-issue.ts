import type { DescribedIssue } from '@switchyard/plugin-sdk'
import type { ConfigIssue } from '../errors.js'
import type { SourcePosition } from './locate-path.js'

/** Finds a key path in the file: the value, or the key itself for an unknown key. */
export type Locate = (path: readonly PropertyKey[], at?: 'key' | 'value') => SourcePosition | undefined

/**
 * Turns one described valibot issue into a config issue: the dotted key path (under `prefix`, for a plugin's own config),
 * its line and column, and `expected …, got …` or `unknown key "x"`.
 *
 * @example
 * ```ts
 * toConfigIssue(describeIssue(issue), 'switchyard.yaml', locate) // { path: 'server.port', line: 2, message: 'expected number, got "x"' }
 * ```
 */
export function toConfigIssue(
  described: DescribedIssue,
  file: string | undefined,
  locate: Locate,
  prefix: readonly PropertyKey[] = [],
): ConfigIssue {
  const keys = [...prefix, ...described.keys]
  const position = locate(keys, described.onKey ? 'key' : 'value')
  return {
    file,
    path: keys.map(String).join('.'),
    line: position?.line,
    column: position?.column,
    message: described.message,
    expected: described.expected,
    received: described.received,
  }
}
