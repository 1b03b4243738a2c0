import { createEvent, type DeliveryRecord, type Event } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from '../sqlite-store.js'
import { useTempDir } from '../test-support/temp-dir.js'

const HANDLER = 'audit_log'

function record(event: Event | string, status: DeliveryRecord['status'], attempts = 1): DeliveryRecord {
  const eventId = typeof event === 'string' ? event : event.id
  return { eventId, handler: HANDLER, status, attempts, durationMs: 2, updatedAt: new Date().toISOString() }
}

describe('ledger records, updated with a statement per status', () => {
  const temp = useTempDir()
  const open = () => new SqliteStore({ path: temp.file('store.db'), retention: { intervalMs: 0 } })

  async function accepted(store: SqliteStore, count: number): Promise<Event[]> {
    const events = Array.from({ length: count }, (_, n) => createEvent('order.created', { n }))
    await Promise.all(events.map((event) => store.acceptEvent(event, [HANDLER])))
    return events
  }

  const statusOf = async (store: SqliteStore, eventId: string) =>
    (await store.deliveries(eventId)).map(({ status, attempts }) => ({ status, attempts }))

  it('applies a batch of records, one of them of an event never accepted (no row to update)', async () => {
    const store = open()
    const events = await accepted(store, 150)
    const records = events.map((event) => record(event, 'succeeded'))
    records.splice(70, 0, record('published-directly', 'succeeded'))
    await store.recordDeliveries(records)
    for (const event of events)
      expect(await statusOf(store, event.id)).toEqual([{ status: 'succeeded', attempts: 1 }])
    expect(await statusOf(store, 'published-directly')).toEqual([{ status: 'succeeded', attempts: 1 }])
    expect(await store.unfinishedEvents()).toEqual([])
    expect(await store.isProcessed(events[149]!.metadata.idempotencyKey, HANDLER)).toBe(true)
    await store.close()
  })

  it('gives a delivery recorded twice in one batch its later record', async () => {
    const store = open()
    const [first, second] = await accepted(store, 2)
    await store.recordDeliveries([
      record(first!, 'failed', 1),
      record(second!, 'failed', 1),
      record(first!, 'failed', 2),
      record(second!, 'retrying', 1),
      record(second!, 'dead_lettered', 3),
    ])
    expect(await statusOf(store, first!.id)).toEqual([{ status: 'failed', attempts: 2 }])
    expect(await statusOf(store, second!.id)).toEqual([{ status: 'dead_lettered', attempts: 3 }])
    await store.close()
  })

  it('never reopens a final row, and keeps a succeeded one from a later skipped_duplicate', async () => {
    const store = open()
    const [done, duplicate, pending] = await accepted(store, 3)
    await store.recordDeliveries([record(done!, 'succeeded'), record(duplicate!, 'succeeded')])
    await store.recordDeliveries([
      record(done!, 'retrying', 2),
      record(pending!, 'retrying', 2),
      record(duplicate!, 'skipped_duplicate', 0),
      record(pending!, 'skipped_duplicate', 0),
    ])
    expect(await statusOf(store, done!.id)).toEqual([{ status: 'succeeded', attempts: 1 }])
    expect(await statusOf(store, duplicate!.id)).toEqual([{ status: 'succeeded', attempts: 1 }])
    expect(await statusOf(store, pending!.id)).toEqual([{ status: 'skipped_duplicate', attempts: 0 }])
    await store.close()
  })
})
