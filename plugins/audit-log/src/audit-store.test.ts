import { createTestStore } from '@switchyard/testing'
import { describe, expect, it } from 'vitest'
import { type AuditEntry, toAuditEntry } from './audit-entry.js'
import { AuditStore } from './audit-store.js'

function entryAt(minute: number): AuditEntry {
  const event = {
    id: `e${minute}`,
    type: 'order.created',
    source: 'test',
    time: new Date().toISOString(),
    data: {},
    metadata: { idempotencyKey: `e${minute}` },
  }
  const recordedAt = new Date(Date.UTC(2026, 0, 1, 0, minute))
  return toAuditEntry(event, { eventId: event.id, outcomes: [] }, { includeData: false, recordedAt })
}

describe('AuditStore.prune', () => {
  it('deletes entries older than max age, then the oldest beyond max entries', async () => {
    const audit = new AuditStore(createTestStore('audit-log'), { maxAgeMs: 10 * 60_000, maxEntries: 3 })
    for (const minute of [0, 1, 5, 8, 9, 12]) await audit.add(entryAt(minute))

    // At 00:15 the cutoff is 00:05: 00:00 and 00:01 are too old, then 00:05 goes so that 3 are left.
    const deleted = await audit.prune(new Date(Date.UTC(2026, 0, 1, 0, 15)))
    expect(deleted).toBe(3)
    const left = await audit.query({ limit: 50, order: 'asc' })
    expect(left.entries.map((e) => e.eventId)).toEqual(['e8', 'e9', 'e12'])

    expect(await audit.prune(new Date(Date.UTC(2026, 0, 1, 0, 15)))).toBe(0)
  })
})

describe('AuditStore.trim', () => {
  it('deletes the oldest beyond max entries, counting from the last full sweep', async () => {
    const audit = new AuditStore(createTestStore('audit-log'), {
      maxAgeMs: 100 * 365 * 86_400_000,
      maxEntries: 3,
    })
    await audit.add(entryAt(0))
    // Not counted yet: a full sweep, which counts.
    expect(await audit.trim()).toBe(0)
    for (const minute of [1, 2, 3, 4]) await audit.add(entryAt(minute))
    expect(await audit.trim()).toBe(2)
    const left = await audit.query({ limit: 50, order: 'asc' })
    expect(left.entries.map((e) => e.eventId)).toEqual(['e2', 'e3', 'e4'])
    expect(await audit.trim()).toBe(0)
  })
})
