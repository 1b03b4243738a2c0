import type * as v from 'valibot'

/** A valibot issue in words: where (`keys`, dotted `path`) and what (`message`). */
export interface DescribedIssue {
  keys: PropertyKey[]
  path: string
  message: string
  expected?: string
  received?: string
  /** A strict object met a key it does not know; the position of interest is the key itself. */
  unknownKey: boolean
}

/**
 * Describes a valibot issue as `expected …, got …` (or `unknown key "x"`), the form every Switchyard message
 * uses. A regex's `expected` is its source, so the schema's own message names the rule instead.
 *
 * @example
 * ```ts
 * const result = v.safeParse(v.object({ port: v.number() }), { port: 'x' })
 * describeIssue(result.issues![0]) // { path: 'port', message: 'expected number, got "x"', ... }
 * ```
 */
export function describeIssue(issue: v.BaseIssue<unknown>): DescribedIssue {
  const keys = (issue.path ?? []).map((item) => item.key as PropertyKey)
  const unknownKey = issue.expected === 'never' && issue.type === 'strict_object'
  const expected =
    issue.type === 'regex' || issue.type === 'check' ? issue.message : (issue.expected ?? undefined)
  const message = unknownKey
    ? `unknown key "${String(keys.at(-1))}"`
    : expected === undefined
      ? issue.message
      : `expected ${expected}, got ${issue.received}`
  return {
    keys,
    path: keys.map(String).join('.'),
    message,
    ...(unknownKey || expected === undefined ? {} : { expected }),
    received: issue.received,
    unknownKey,
  }
}
