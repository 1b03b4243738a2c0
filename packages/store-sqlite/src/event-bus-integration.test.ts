import { createEvent, EventBus } from '@switchyard/core'
import Sqlite from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from './sqlite-store.js'
import { useTempDir } from './test-support/temp-dir.js'

describe('SqliteStore under an EventBus', () => {
  const temp = useTempDir()
  const open = (): SqliteStore => new SqliteStore({ path: temp.file('bus.db'), retention: { intervalMs: 0 } })

  it('records every enqueued event as delivered once the bus drained', async () => {
    const store = open()
    const bus = new EventBus({ store })
    const handled: string[] = []
    bus.subscribe('order.*', (event) => void handled.push(event.id), { name: 'audit_log' })
    const ids = await Promise.all(
      Array.from(
        { length: 200 },
        async (_, n) => (await bus.enqueue(createEvent('order.created', { n }))).id,
      ),
    )
    await bus.drain()
    expect(handled.sort()).toEqual([...ids].sort())
    expect(await store.unfinishedEvents()).toEqual([])
    expect((await store.deliveries(ids[0]!)).map((r) => [r.handler, r.status])).toEqual([
      ['audit_log', 'succeeded'],
    ])
    await bus.close()
  })

  it('skips a used idempotencyKey after a restart, from the ledger row alone (no idempotency mark written)', async () => {
    const first = createEvent('order.created', { n: 1 }, { metadata: { idempotencyKey: 'order-1' } })
    const second = createEvent('order.created', { n: 2 }, { metadata: { idempotencyKey: 'order-1' } })
    const handled: string[] = []
    const subscribe = (bus: EventBus) =>
      bus.subscribe('order.*', (event) => void handled.push(event.id), { name: 'audit_log' })
    const before = new EventBus({ store: open() })
    subscribe(before)
    await before.enqueue(first)
    await before.close()

    const after = new EventBus({ store: open() })
    subscribe(after)
    await after.enqueue(second)
    await after.drain()
    expect(handled).toEqual([first.id])
    expect((await after.store.deliveries(second.id)).map((r) => r.status)).toEqual(['skipped_duplicate'])
    await after.close()
    const db = new Sqlite(temp.file('bus.db'), { readonly: true })
    expect(db.prepare('SELECT count(*) AS n FROM processed').get()).toEqual({ n: 0 })
    db.close()
  })

  it('resumes, after a restart, the events whose handlers had not finished', async () => {
    const before = open()
    const events = Array.from({ length: 20 }, (_, n) => createEvent('order.created', { n }))
    for (const event of events) await before.acceptEvent(event, ['audit_log', 'mailer'])
    await before.recordDeliveries(
      events.map((e) => ({
        eventId: e.id,
        handler: 'mailer',
        status: 'succeeded',
        attempts: 1,
        durationMs: 1,
        updatedAt: new Date().toISOString(),
      })),
    )
    await before.close()

    const store = open()
    const bus = new EventBus({ store })
    const calls: string[] = []
    bus.subscribe('order.*', (event) => void calls.push(`audit_log ${event.id}`), { name: 'audit_log' })
    bus.subscribe('order.*', (event) => void calls.push(`mailer ${event.id}`), { name: 'mailer' })
    expect(await bus.resume()).toBe(20)
    await bus.drain()
    expect(calls).toEqual(events.map((e) => `audit_log ${e.id}`))
    expect(await store.unfinishedEvents()).toEqual([])
    await bus.close()
  })
})
