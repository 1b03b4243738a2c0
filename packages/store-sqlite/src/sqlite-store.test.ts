import { createEvent, type DeliveryRecord } from '@switchyard/core'
import Sqlite from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { StoreClosedError, StoreOptionsError, StoreValueError } from './errors.js'
import { SqliteStore } from './sqlite-store.js'
import { useTempDir } from './test-support/temp-dir.js'

function finalRecord(eventId: string, handler: string): DeliveryRecord {
  return {
    eventId,
    handler,
    status: 'succeeded',
    attempts: 1,
    durationMs: 3,
    updatedAt: new Date().toISOString(),
  }
}

describe('SqliteStore', () => {
  const temp = useTempDir()
  const open = (): SqliteStore =>
    new SqliteStore({ path: temp.file('store.db'), retention: { intervalMs: 0 } })

  it('keeps every event accepted in one commit, more than one statement holds, with its handlers', async () => {
    const store = open()
    const events = Array.from({ length: 150 }, (_, n) => createEvent('order.created', { n }))
    // 150 accepts queued in one turn: one commit, its rows in statements of up to 64 rows.
    await Promise.all(
      events.map((event, n) => store.acceptEvent(event, n % 2 ? ['audit_log', 'mailer'] : ['mailer'])),
    )
    const unfinished = await store.unfinishedEvents()
    expect(unfinished.map((u) => u.event)).toEqual(events)
    expect(unfinished.map((u) => u.handlers)).toEqual(
      events.map((_, n) => (n % 2 ? ['audit_log', 'mailer'] : ['mailer'])),
    )
    await store.close()
  })

  it("keeps each accepted delivery's own key as its idempotency record, whether or not the key is the id", async () => {
    const store = open()
    const byId = Array.from({ length: 150 }, (_, n) => createEvent('order.created', { n }))
    const keyed = [createEvent('order.created', { n: 150 }, { metadata: { idempotencyKey: 'order-150' } })]
    // One commit each: all keys their ids and one handler, then a key of its own among them.
    await Promise.all(byId.map((event) => store.acceptEvent(event, ['mailer'])))
    await Promise.all([...byId.slice(0, 2), ...keyed].map((event) => store.acceptEvent(event, ['mailer'])))
    const all = [...byId, ...keyed]
    expect((await store.unfinishedEvents()).map((u) => [u.event.id, u.handlers])).toEqual(
      all.map((event) => [event.id, ['mailer']]),
    )
    await store.recordDeliveries(all.map((event) => finalRecord(event.id, 'mailer')))
    for (const event of byId) expect(await store.isProcessed(event.id, 'mailer')).toBe(true)
    expect(await store.isProcessed('order-150', 'mailer')).toBe(true)
    expect(await store.isProcessed(keyed[0]!.id, 'mailer')).toBe(false)
    expect(await store.isProcessed(byId[0]!.id, 'audit_log')).toBe(false)
    await store.close()
  })

  it('keeps everything across close and reopen of the same file', async () => {
    const first = open()
    const done = createEvent('order.created', { n: 1 })
    const open1 = createEvent('order.created', { n: 2 }, { metadata: { orderingKey: 'o-2' } })
    await first.acceptEvent(done, ['audit_log'])
    await first.acceptEvent(open1, ['audit_log', 'mailer'])
    await first.recordDeliveries([finalRecord(done.id, 'audit_log'), finalRecord(open1.id, 'audit_log')])
    await first.markProcessed(open1.metadata.idempotencyKey, 'audit_log')
    const deadLetter = { id: '0190a000-0000-7000-8000-000000000001', event: done, handler: 'mailer' }
    await first.addDeadLetter({
      ...deadLetter,
      attempts: 3,
      error: 'smtp down',
      failedAt: new Date().toISOString(),
    })
    await first.setPluginState('mailer', { enabled: false, updatedAt: '2025-01-01T00:00:00.000Z' })
    await first.kvSet('mailer', 'cursor', { at: 42 })
    await first.close()

    const second = open()
    const unfinished = await second.unfinishedEvents()
    expect(unfinished).toEqual([{ event: JSON.parse(JSON.stringify(open1)), handlers: ['mailer'] }])
    expect((await second.deliveries(done.id)).map((r) => [r.handler, r.status])).toEqual([
      ['audit_log', 'succeeded'],
    ])
    expect(await second.isProcessed(open1.metadata.idempotencyKey, 'audit_log')).toBe(true)
    expect((await second.getDeadLetter(deadLetter.id))?.error).toBe('smtp down')
    expect(await second.getPluginState('mailer')).toEqual({
      enabled: false,
      updatedAt: '2025-01-01T00:00:00.000Z',
    })
    expect(await second.kvGet('mailer', 'cursor')).toEqual({ at: 42 })
    await second.close()
  })

  it('reads a ledger error kept as a plain message by an older version as a serialised error', async () => {
    const store = open()
    const event = createEvent('order.created', {})
    await store.acceptEvent(event, ['mailer', 'audit_log'])
    await store.close()
    const db = new Sqlite(temp.file('store.db'))
    db.prepare(
      "UPDATE deliveries SET status = ?, final = 1, attempts = 3, error = ? WHERE event_id = ? AND handler = 'mailer'",
    ).run('dead_lettered', 'handler mailer failed: smtp down', event.id)
    db.prepare(
      "UPDATE deliveries SET status = 'timed_out', final = 1, attempts = 1, error = ? WHERE handler = 'audit_log'",
    ).run('{not json')
    db.close()
    const reopened = open()
    const byHandler = Object.fromEntries(
      (await reopened.deliveries(event.id)).map((r) => [r.handler, r.error]),
    )
    expect(byHandler).toEqual({
      mailer: {
        code: 'E_HANDLER',
        message: 'handler mailer failed: smtp down',
        handler: 'mailer',
        eventId: event.id,
        attempt: 3,
      },
      audit_log: {
        code: 'E_TIMEOUT',
        message: '{not json',
        handler: 'audit_log',
        eventId: event.id,
        attempt: 1,
      },
    })
    await reopened.close()
  })

  it('never reopens a final delivery when a late progress record arrives', async () => {
    const store = open()
    const event = createEvent('order.created', {})
    await store.acceptEvent(event, ['audit_log'])
    await store.recordDeliveries([finalRecord(event.id, 'audit_log')])
    await store.recordDeliveries([{ ...finalRecord(event.id, 'audit_log'), status: 'retrying', attempts: 2 }])
    expect((await store.deliveries(event.id))[0]?.status).toBe('succeeded')
    expect(await store.unfinishedEvents()).toEqual([])
    await store.close()
  })

  it('lists KV keys under a prefix literally, even with GLOB wildcards in it', async () => {
    const store = open()
    for (const key of ['a*1', 'a*2', 'ab', 'a?', 'b']) await store.kvSet('ns', key, key)
    expect((await store.kvList('ns', { prefix: 'a*' })).map((e) => e.key)).toEqual(['a*1', 'a*2'])
    expect((await store.kvList('ns', { prefix: 'a', limit: 2 })).map((e) => e.key)).toEqual(['a*1', 'a*2'])
    await store.close()
  })

  it('rejects values that JSON cannot keep without disturbing other writes', async () => {
    const store = open()
    const results = await Promise.allSettled([
      store.kvSet('ns', 'bad', () => 1),
      store.kvSet('ns', 'good', 1),
    ])
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(StoreValueError) })
    expect(await store.kvGet('ns', 'good')).toBe(1)
    await store.close()
  })

  it('commits pending writes on close and refuses reads and writes after it', async () => {
    const store = open()
    const event = createEvent('order.created', {})
    const accepted = store.acceptEvent(event, ['audit_log'])
    await store.close()
    await accepted
    await expect(store.kvSet('ns', 'k', 1)).rejects.toBeInstanceOf(StoreClosedError)
    await expect(store.unfinishedEvents()).rejects.toBeInstanceOf(StoreClosedError)
    const reopened = open()
    expect((await reopened.unfinishedEvents()).map((u) => u.event.id)).toEqual([event.id])
    await reopened.close()
  })

  it('names each bad option by its path', () => {
    const create = () => new SqliteStore({ path: '', retention: { batchSize: 0 } })
    expect(create).toThrow(StoreOptionsError)
    expect(create).toThrow(/path: .*; retention\.batchSize: expected >=1, got 0/)
  })
})
