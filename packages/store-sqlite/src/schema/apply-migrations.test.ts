import { createEvent } from '@switchyard/core'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openSqliteStore } from '../open-sqlite-store.js'
import { useTempDir } from '../test-support/temp-dir.js'
import { applyMigrations } from './apply-migrations.js'
import { migrations } from './migrations.js'

const latest = migrations.at(-1)!.version

describe('applyMigrations', () => {
  const temp = useTempDir()

  it('numbers migrations 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
  })

  it('brings an old-schema file up to date and keeps its data', async () => {
    const path = temp.file('old.db')
    const old = new Database(path)
    expect(applyMigrations(old, migrations.slice(0, 1))).toBe(1)
    const event = {
      id: 'e1',
      type: 'order.created',
      source: 's',
      time: '2025-01-01T00:00:00Z',
      data: {},
      metadata: {},
    }
    old
      .prepare('INSERT INTO events (id, body, accepted_ms) VALUES (?, ?, ?)')
      .run('e1', JSON.stringify(event), 1)
    old
      .prepare(
        `INSERT INTO deliveries VALUES ('e1', 'audit_log', 'pending', 0, 0, 0, NULL, '2025-01-01T00:00:00Z')`,
      )
      .run()
    old.close()

    const store = await openSqliteStore({ path, retention: { intervalMs: 0 } })
    expect(await store.unfinishedEvents()).toEqual([{ event, handlers: ['audit_log'] }])
    await store.kvSet('audit-log', 'k', 'v')
    expect(await store.kvGet('audit-log', 'k')).toBe('v')
    await store.close()
    const reopened = new Database(path, { readonly: true })
    expect(reopened.pragma('user_version', { simple: true })).toBe(latest)
    reopened.close()
  })

  it('keeps every event, delivery and idempotency record of a version 7 file (the index of keys moved)', async () => {
    const path = temp.file('v7.db')
    const old = new Database(path)
    expect(applyMigrations(old, migrations.slice(0, 7))).toBe(7)
    const events = Array.from({ length: 300 }, (_, n) =>
      createEvent('order.created', { n }, n % 3 === 0 ? { metadata: { idempotencyKey: `order-${n}` } } : {}),
    )
    const insertEvent = old.prepare('INSERT INTO events (id, body, accepted_ms) VALUES (?, ?, ?)')
    const insertDelivery = old.prepare(
      `INSERT INTO deliveries (event_id, handler, idempotency_key, status, final, attempts, duration_ms, error,
         updated_at) VALUES (?, 'audit_log', ?, ?, ?, 1, 1, NULL, '2026-12-07T00:00:00.000Z')`,
    )
    // Every tenth event is still pending; the others succeeded.
    const pending = (n: number): boolean => n % 10 === 0
    old.transaction(() => {
      for (const [n, event] of events.entries()) {
        insertEvent.run(event.id, JSON.stringify(event), Date.now())
        const [status, final] = pending(n) ? ['pending', 0] : ['succeeded', 1]
        insertDelivery.run(event.id, event.metadata.idempotencyKey, status, final)
      }
    })()
    old.close()

    const store = await openSqliteStore({ path, retention: { intervalMs: 0 } })
    const listed = await store.listEvents({ since: '1970-01-01T00:00:00Z' })
    expect(listed.map((e) => e.id)).toEqual(events.map((e) => e.id))
    expect((await store.unfinishedEvents()).map((u) => u.event.id)).toEqual(
      events.filter((_, n) => pending(n)).map((e) => e.id),
    )
    for (const [n, event] of events.entries()) {
      expect(await store.isProcessed(event.metadata.idempotencyKey, 'audit_log')).toBe(!pending(n))
      expect(await store.isProcessed(event.metadata.idempotencyKey, 'mailer')).toBe(false)
    }
    // An event keyed otherwise is no record of its id's key, nor is a key its id a record of another key.
    expect(await store.isProcessed(events[3]!.id, 'audit_log')).toBe(false)
    expect((await store.deliveries(events[1]!.id)).map((d) => d.status)).toEqual(['succeeded'])
    await store.close()
  })

  it('applies nothing to an up-to-date file', () => {
    const db = new Database(temp.file('db'))
    applyMigrations(db)
    expect(applyMigrations(db)).toBe(0)
    db.close()
  })

  it('refuses a file from a newer schema', async () => {
    const path = temp.file('future.db')
    const future = new Database(path)
    future.pragma(`user_version = ${latest + 1}`)
    future.close()
    await expect(openSqliteStore({ path })).rejects.toThrow(
      `schema version ${latest + 1} is newer than the latest this package knows (${latest})`,
    )
  })
})
