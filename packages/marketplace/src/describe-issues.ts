import * as v from 'valibot'

/**
 * Turns valibot issues into one message naming each failing path: `limits.max_files: expected number, got "x"`.
 * Validation actions must carry their message as what was expected (`v.regex(re, 'a package name')`).
 *
 * @example
 * ```ts
 * const result = v.safeParse(schema, input)
 * if (!result.success) throw new Error(describeIssues(result.issues, 'marketplace'))
 * ```
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], where: string): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue)
      const at = path ? `${where}.${path}` : where
      // every validation action here is given its message as the thing expected ('a package name')
      if (issue.kind === 'validation') return `${at}: expected ${issue.message}, got ${issue.received}`
      return issue.expected && issue.received
        ? `${at}: expected ${issue.expected}, got ${issue.received}`
        : `${at}: ${issue.message}`
    })
    .join('; ')
}
