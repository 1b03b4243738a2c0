import type { ServiceQuery, ServiceRecord } from '@switchyard/core'

/**
 * Whether a record answers a discovery query: every field the query gives must match, and every tag it lists
 * must be on the record.
 *
 * @example
 * ```ts
 * matchesServiceQuery({ id: 'a', name: 'billing', tags: ['eu'], owner: 'x', node: 'n', registeredAt: '' }, { tags: ['eu'] }) // true
 * ```
 */
export function matchesServiceQuery(record: ServiceRecord, query: ServiceQuery): boolean {
  if (query.id !== undefined && record.id !== query.id) return false
  if (query.name !== undefined && record.name !== query.name) return false
  return (query.tags ?? []).every((tag) => record.tags?.includes(tag) ?? false)
}
