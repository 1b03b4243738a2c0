import { type AuditRecord, MemoryStore, noopLogger } from '@switchyard/core'
import { v7 as uuidv7 } from 'uuid'
import { describe, expect, it } from 'vitest'
import { AuditRetention } from './audit-retention.js'

const DAY_MS = 24 * 60 * 60 * 1000

const recordAged = (days: number): AuditRecord => {
  const msecs = Date.now() - days * DAY_MS
  return {
    id: uuidv7({ msecs }),
    time: new Date(msecs).toISOString(),
    token: 'ops',
    scopes: ['admin'],
    method: 'POST',
    path: '/api/v1/plugins/install',
    action: 'POST /api/v1/plugins/install',
    target: 'audit-log',
    status: 201,
    requestId: uuidv7(),
    source: '127.0.0.1',
  }
}

describe('AuditRetention', () => {
  it('deletes records older than the retention period, following updates', async () => {
    const store = new MemoryStore()
    for (const days of [1, 10, 40, 100]) await store.addAuditRecord(recordAged(days))
    const retention = new AuditRetention(store, 365, noopLogger)
    try {
      expect(await retention.purge()).toBe(0)
      retention.update(30)
      expect(await retention.purge()).toBe(2)
      expect(
        (await store.listAuditRecords()).map((r) => Math.round((Date.now() - Date.parse(r.time)) / DAY_MS)),
      ).toEqual([10, 1])
    } finally {
      retention.stop()
    }
  })
})
