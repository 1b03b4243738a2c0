import { compilePattern, matchesPattern } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import type { AuditEntry } from './audit-entry.js'

/**
 * The query string of `GET /plugins/audit-log/events`: `type` (an event type or pattern), `since` (RFC 3339,
 * recorded at or after), `limit` (1–500, default 50), `order` (`desc`, the default, or `asc`) and `cursor`
 * (the `nextCursor` of the previous page).
 *
 * @example
 * ```ts
 * v.parse(auditQuery, { type: 'order.*', limit: '20' })
 * ```
 */
export const auditQuery = v.object({
  type: v.optional(
    v.pipe(v.string(), v.check(isPattern, 'expected an event type or a pattern such as order.* or order.**')),
  ),
  since: v.optional(
    v.pipe(
      v.string(),
      v.check((s) => !Number.isNaN(Date.parse(s)), 'expected an RFC 3339 timestamp'),
      v.transform((s) => new Date(s).toISOString()),
    ),
  ),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500)), '50'),
  order: v.optional(v.picklist(['asc', 'desc']), 'desc'),
  cursor: v.optional(v.pipe(v.string(), v.minLength(1))),
})

export type AuditQuery = v.InferOutput<typeof auditQuery>

/** One page of entries; `nextCursor` is null on the last page. */
export interface AuditPage {
  entries: AuditEntry[]
  nextCursor: string | null
}

/**
 * Filters and pages entries that are sorted by `cursor` ascending (recording order). The cursor of an entry is
 * its position in that order, so pages stay stable while new entries arrive.
 *
 * @example
 * ```ts
 * const first = pageEntries(entries, { type: 'order.*', limit: 2, order: 'desc' })
 * const second = pageEntries(entries, { type: 'order.*', limit: 2, order: 'desc', cursor: first.nextCursor! })
 * ```
 */
export function pageEntries(sorted: readonly AuditEntry[], query: AuditQuery): AuditPage {
  const { type, since, cursor, limit, order } = query
  const ordered = order === 'asc' ? sorted : [...sorted].reverse()
  const entries: AuditEntry[] = []
  let more = false
  for (const entry of ordered) {
    if (cursor !== undefined && (order === 'asc' ? entry.cursor <= cursor : entry.cursor >= cursor)) continue
    if (since !== undefined && entry.recordedAt < since) {
      if (order === 'desc') break
      continue
    }
    if (type !== undefined && !matchesPattern(type, entry.type)) continue
    if (entries.length === limit) {
      more = true
      break
    }
    entries.push(entry)
  }
  return { entries, nextCursor: more ? (entries.at(-1)?.cursor ?? null) : null }
}

function isPattern(type: string): boolean {
  try {
    compilePattern(type)
    return true
  } catch {
    return false
  }
}
