import type * as v from 'valibot'

const article = (noun: string) => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`)

/** The sentence for each kind of valibot check: what the value must be. */
const RULES: Record<string, (issue: v.BaseIssue<unknown>) => string> = {
  non_empty: () => 'must not be empty',
  min_length: (i) => `must be at least ${String(i.requirement)} long, got ${i.received}`,
  max_length: (i) => `must be at most ${String(i.requirement)} long, got ${i.received}`,
  min_value: (i) => `must be at least ${String(i.requirement)}, got ${i.received}`,
  max_value: (i) => `must be at most ${String(i.requirement)}, got ${i.received}`,
  integer: (i) => `must be an integer, got ${i.received}`,
  picklist: (i) =>
    `must be one of ${(i.expected ?? '').replace(/^\(|\)$/g, '').replaceAll(' | ', ', ')}, got ${i.received}`,
  regex: (i) => `must match ${i.expected}, got ${i.received}`,
  url: (i) => `must be a URL, got ${i.received}`,
}

/**
 * A valibot issue as a sentence about the value at its path: `must not be empty`, `is required`,
 * `must be a string, got 3`, `must be one of "a", "b", got "c"`, `unknown key "y"`. A message the schema's
 * author wrote (not valibot's own `Invalid …`) is kept as written.
 *
 * @example
 * ```ts
 * const { issues } = v.safeParse(v.object({ type: v.pipe(v.string(), v.nonEmpty()) }), { type: '' })
 * issueSentence(issues![0]) // 'must not be empty'
 * ```
 */
export function issueSentence(issue: v.BaseIssue<unknown>): string {
  if (!issue.message.startsWith('Invalid ')) return issue.message
  if (issue.type === 'strict_object' && issue.expected === 'never') return `unknown key ${issue.received}`
  if (issue.kind === 'schema' && issue.received === 'undefined') return 'is required'
  const rule = RULES[issue.type]
  if (rule !== undefined) return rule(issue)
  if (issue.kind === 'schema' && issue.expected) {
    return `must be ${article(issue.expected.toLowerCase())}, got ${issue.received}`
  }
  return issue.message
}
