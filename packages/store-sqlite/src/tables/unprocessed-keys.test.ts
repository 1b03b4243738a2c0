import { createEvent, type DeliveryRecord, type Event } from '@switchyard/core'
import { describe, expect, it, vi } from 'vitest'
import { SqliteStore } from '../sqlite-store.js'
import { useTempDir } from '../test-support/temp-dir.js'
import { IdempotencyRecords } from './idempotency-records.js'

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

const withKey = (key: string): Event =>
  createEvent('order.created', {}, { metadata: { idempotencyKey: key } })

/** The same event (its id) with another idempotency key. */
const rekeyed = (event: Event, key: string): Event => ({
  ...event,
  metadata: { ...event.metadata, idempotencyKey: key },
})

function succeeded(eventId: string, handler: string): DeliveryRecord {
  return {
    eventId,
    handler,
    status: 'succeeded',
    attempts: 1,
    durationMs: 1,
    updatedAt: new Date().toISOString(),
  }
}

// Each case first lets the store learn that its key has no record (an accept, then a `false`), then writes the
// record another way: a store that answered from what it learned would still say `false`.
describe('idempotency keys of accepted events (UnprocessedKeys)', () => {
  const temp = useTempDir()
  const open = (): SqliteStore =>
    new SqliteStore({ path: temp.file('store.db'), retention: { intervalMs: 0 } })

  it("sees another connection's mark and succeeded ledger row for a key it accepted", async () => {
    const own = open()
    const other = open()
    const marked = withKey('order-1')
    const recorded = withKey('order-2')
    await own.acceptEvent(marked, ['audit_log'])
    await own.acceptEvent(recorded, ['audit_log'])
    expect(own.isProcessedSync('order-1', 'audit_log')).toBe(false)
    expect(own.isProcessedSync('order-2', 'audit_log')).toBe(false)
    await other.markProcessed('order-1', 'audit_log')
    await other.recordDeliveries([succeeded(recorded.id, 'audit_log')])
    await nextTurn()
    expect(own.isProcessedSync('order-1', 'audit_log')).toBe(true)
    expect(own.isProcessedSync('order-2', 'audit_log')).toBe(true)
    await other.close()
    await own.close()
  })

  it("sees another connection's record when its own next accept comes first", async () => {
    const own = open()
    const other = open()
    await own.acceptEvent(withKey('order-1'), ['audit_log'])
    expect(own.isProcessedSync('order-1', 'audit_log')).toBe(false)
    await other.markProcessed('order-1', 'audit_log')
    await own.acceptEvent(withKey('order-3'), ['audit_log'])
    expect(own.isProcessedSync('order-1', 'audit_log')).toBe(true)
    await other.close()
    await own.close()
  })

  it('sees its own record of another event with the same key, and its own mark', async () => {
    const store = open()
    const first = withKey('order-1')
    const again = withKey('order-1')
    await Promise.all([
      store.acceptEvent(first, ['audit_log', 'mailer']),
      store.acceptEvent(again, ['audit_log']),
    ])
    expect(store.isProcessedSync('order-1', 'audit_log')).toBe(false)
    await store.recordDeliveries([succeeded(again.id, 'audit_log')])
    expect(store.isProcessedSync('order-1', 'audit_log')).toBe(true)
    expect(store.isProcessedSync('order-1', 'mailer')).toBe(false)
    await store.markProcessed('order-1', 'mailer')
    expect(store.isProcessedSync('order-1', 'mailer')).toBe(true)
    await store.close()
  })

  it('sees its own record of an event another connection accepted with a key it accepted too', async () => {
    const own = open()
    const other = open()
    const elsewhere = withKey('order-1')
    await other.acceptEvent(elsewhere, ['audit_log'])
    await own.acceptEvent(withKey('order-1'), ['audit_log'])
    expect(own.isProcessedSync('order-1', 'audit_log')).toBe(false)
    await own.recordDeliveries([succeeded(elsewhere.id, 'audit_log')])
    expect(own.isProcessedSync('order-1', 'audit_log')).toBe(true)
    await other.close()
    await own.close()
  })

  it('asks the tables for a key that had a record before its event was accepted', async () => {
    const store = open()
    await store.markProcessed('order-1', 'audit_log')
    await store.acceptEvent(withKey('order-1'), ['audit_log'])
    expect(store.isProcessedSync('order-1', 'audit_log')).toBe(true)
    // SQLite orders U+FFFF before U+10000 (UTF-8), JavaScript after it (UTF-16: "\ud800\udc00").
    await store.markProcessed('\uffff', 'audit_log')
    await store.markProcessed('\u{10000}', 'audit_log')
    await store.acceptEvent(withKey('\uffff'), ['audit_log'])
    expect(store.isProcessedSync('\uffff', 'audit_log')).toBe(true)
    await store.close()
  })

  it('takes no key from an accept of an event another connection accepted with other handlers', async () => {
    const own = open()
    const other = open()
    const event = withKey('order-2')
    await other.acceptEvent(event, ['mailer'])
    await own.acceptEvent(withKey('order-2'), ['mailer'])
    await own.acceptEvent(rekeyed(event, 'order-1'), ['audit_log'])
    expect(own.isProcessedSync('order-2', 'mailer')).toBe(false)
    // The row of the other connection's accept, with its key.
    await own.recordDeliveries([succeeded(event.id, 'mailer')])
    expect(own.isProcessedSync('order-2', 'mailer')).toBe(true)
    await other.close()
    await own.close()
  })

  it('asks the tables for a key that is the id of an event whose row succeeded, here or on another connection', async () => {
    const own = open()
    const other = open()
    const first = createEvent('order.created', {})
    await own.acceptEvent(first, ['audit_log'])
    await own.recordDeliveries([succeeded(first.id, 'audit_log')])
    // Keyed by its id, the succeeded row is in no index: the bound of such keys is the greatest succeeded event id.
    await own.acceptEvent(withKey(first.id), ['audit_log'])
    expect(own.isProcessedSync(first.id, 'audit_log')).toBe(true)
    const second = createEvent('order.created', {})
    await other.acceptEvent(second, ['audit_log'])
    await other.recordDeliveries([succeeded(second.id, 'audit_log')])
    await own.acceptEvent(withKey(second.id), ['audit_log'])
    expect(own.isProcessedSync(second.id, 'audit_log')).toBe(true)
    await other.close()
    await own.close()
  })

  it('answers from memory for events keyed by their id, accepted in groups while earlier ones succeed', async () => {
    const store = open()
    const selects = vi.spyOn(IdempotencyRecords.prototype, 'has')
    for (let group = 0; group < 3; group++) {
      const events = Array.from({ length: 5 }, () => createEvent('order.created', {}))
      await Promise.all(events.map((event) => store.acceptEvent(event, ['audit_log'])))
      for (const event of events) expect(store.isProcessedSync(event.id, 'audit_log')).toBe(false)
      await store.recordDeliveries(events.map((event) => succeeded(event.id, 'audit_log')))
      for (const event of events) expect(store.isProcessedSync(event.id, 'audit_log')).toBe(true)
    }
    // Only the answers `true` asked the tables.
    expect(selects).toHaveBeenCalledTimes(15)
    selects.mockRestore()
    await store.close()
  })

  it('keeps the key of the first accept of an event id accepted twice with different keys', async () => {
    const store = open()
    const event = withKey('order-1')
    await store.acceptEvent(event, ['audit_log'])
    await store.acceptEvent(rekeyed(event, 'order-2'), ['audit_log'])
    expect(store.isProcessedSync('order-1', 'audit_log')).toBe(false)
    await store.recordDeliveries([succeeded(event.id, 'audit_log')])
    expect(store.isProcessedSync('order-1', 'audit_log')).toBe(true)
    expect(store.isProcessedSync('order-2', 'audit_log')).toBe(false)
    await store.close()
  })
})
