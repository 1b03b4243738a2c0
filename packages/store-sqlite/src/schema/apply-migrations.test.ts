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
