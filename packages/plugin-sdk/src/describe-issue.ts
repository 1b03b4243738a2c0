import type * as v from 'valibot'

/** A valibot issue in words: where (`keys`, dotted `path`) and what (`message`). */
export interface DescribedIssue {
  keys: PropertyKey[]
  path: string
  message: string
  expected?: string
  received?: string
  /** The problem is a key (unknown to a strict object, or a record key breaking its rule), not a value. */
  onKey: boolean
}

/**
 * Describes a valibot issue as `expected …, got …` (or `unknown key "x"`), the form every Switchyard message
 * uses. A custom message in the schema names the rule instead of valibot's `expected`.
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
  // valibot's own messages start with "Invalid"; any other message was written by the schema's author to name
  // the rule in words ("a kebab-case plugin name"), which reads better than a regex source or a type union.
  const custom = !issue.message.startsWith('Invalid ')
  const expected = custom ? issue.message : (issue.expected ?? undefined)
  const message = unknownKey
    ? `unknown key "${String(keys.at(-1))}"`
    : expected === undefined
      ? issue.message
      : `expected ${expected}, got ${issue.received}`
  const onKey = unknownKey || issue.path?.at(-1)?.origin === 'key'
  return {
    keys,
    path: keys.map(String).join('.'),
    message,
    ...(unknownKey || expected === undefined ? {} : { expected }),
    received: issue.received,
    onKey,
  }
}
