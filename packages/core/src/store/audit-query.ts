import type { AuditQuery, AuditRecord } from './store.js'

/**
 * Whether an audit record matches a query's filters (time range, token, action text), the cursor aside. For
 * stores that filter in code rather than in a query language.
 *
 * @example
 * ```ts
 * records.filter((record) => matchesAuditQuery(record, { token: 'ci', action: 'install' }))
 * ```
 */
export function matchesAuditQuery(record: AuditRecord, query: AuditQuery): boolean {
  const time = Date.parse(record.time)
  if (query.from !== undefined && time < Date.parse(query.from)) return false
  if (query.to !== undefined && time >= Date.parse(query.to)) return false
  if (query.token !== undefined && record.token !== query.token) return false
  return query.action === undefined || record.action.toLowerCase().includes(query.action.toLowerCase())
}

/**
 * Applies a whole query to records in code: the filters, then oldest first (by id, UUID v7), after the cursor, up
 * to the limit.
 *
 * @example
 * ```ts
 * const page = pageAuditRecords(all, { after: lastId, limit: 100 })
 * ```
 */
export function pageAuditRecords(records: Iterable<AuditRecord>, query: AuditQuery = {}): AuditRecord[] {
  const { after, limit = Number.POSITIVE_INFINITY } = query
  return [...records]
    .filter((record) => (after === undefined || record.id > after) && matchesAuditQuery(record, query))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, limit)
    .map((record) => ({ ...record, scopes: [...record.scopes] }))
}
