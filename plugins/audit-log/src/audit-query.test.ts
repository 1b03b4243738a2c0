import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import type { AuditEntry } from './audit-entry.js'
import { type AuditQuery, auditQuery, pageEntries } from './audit-query.js'

function entry(i: number, type: string): AuditEntry {
  const recordedAt = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()
  return {
    cursor: `${recordedAt}_e${i}`,
    eventId: `e${i}`,
    type,
    source: 'test',
    time: recordedAt,
    recordedAt,
    idempotencyKey: `e${i}`,
    outcomes: [],
  }
}

const entries = [
  entry(0, 'order.created'),
  entry(1, 'order.status_changed'),
  entry(2, 'user.login'),
  entry(3, 'order.status_changed'),
  entry(4, 'order.item.added'),
  entry(5, 'order.status_changed'),
]

function query(input: Record<string, string>): AuditQuery {
  return v.parse(auditQuery, input)
}

const ids = (page: { entries: AuditEntry[] }) => page.entries.map((e) => e.eventId)

describe('pageEntries', () => {
  it('returns the newest first by default, limited, with a cursor to the next page', () => {
    const first = pageEntries(entries, query({ limit: '2' }))
    expect(ids(first)).toEqual(['e5', 'e4'])
    const second = pageEntries(entries, query({ limit: '2', cursor: first.nextCursor! }))
    expect(ids(second)).toEqual(['e3', 'e2'])
    const third = pageEntries(entries, query({ limit: '2', cursor: second.nextCursor! }))
    expect(ids(third)).toEqual(['e1', 'e0'])
    expect(third.nextCursor).toBeNull()
  })

  it('pages oldest first with order=asc', () => {
    const first = pageEntries(entries, query({ limit: '4', order: 'asc' }))
    expect(ids(first)).toEqual(['e0', 'e1', 'e2', 'e3'])
    expect(ids(pageEntries(entries, query({ order: 'asc', cursor: first.nextCursor! })))).toEqual([
      'e4',
      'e5',
    ])
  })

  it('filters by exact type or by pattern', () => {
    expect(ids(pageEntries(entries, query({ type: 'order.status_changed' })))).toEqual(['e5', 'e3', 'e1'])
    expect(ids(pageEntries(entries, query({ type: 'order.*', order: 'asc' })))).toEqual([
      'e0',
      'e1',
      'e3',
      'e5',
    ])
    expect(ids(pageEntries(entries, query({ type: 'order.**', order: 'asc' })))).toHaveLength(5)
  })

  it('keeps only entries recorded at or after since, in both orders', () => {
    const since = entries[3]!.recordedAt
    expect(ids(pageEntries(entries, query({ since })))).toEqual(['e5', 'e4', 'e3'])
    expect(ids(pageEntries(entries, query({ since, order: 'asc' })))).toEqual(['e3', 'e4', 'e5'])
  })

  it('keeps pages stable when newer entries arrive between requests', () => {
    const first = pageEntries(entries, query({ limit: '3' }))
    const grown = [...entries, entry(6, 'order.created')]
    expect(ids(pageEntries(grown, query({ limit: '3', cursor: first.nextCursor! })))).toEqual([
      'e2',
      'e1',
      'e0',
    ])
  })
})

describe('auditQuery', () => {
  it('names the parameter that is wrong', () => {
    const result = v.safeParse(auditQuery, { limit: '0', type: 'Order..x', since: 'yesterday' })
    expect(result.success).toBe(false)
    const paths = result.issues?.map((issue) => v.getDotPath(issue))
    expect(paths).toEqual(expect.arrayContaining(['limit', 'type', 'since']))
  })
})
