import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../schema/open-database.js'
import { useTempDir } from '../test-support/temp-dir.js'
import { EventsBeyondLimit } from './events-beyond-limit.js'

describe('EventsBeyondLimit', () => {
  const temp = useTempDir()
  const open = () => {
    const path = temp.file('store.db')
    const db = openDatabase(path, { synchronous: 'normal', busyTimeoutMs: 1000 })
    const insert = db.prepare('INSERT INTO events (id, body, accepted_ms) VALUES (?, NULL, 0)')
    let next = 0
    const add = (count: number) => {
      for (let n = 0; n < count; n++) insert.run(`e-${next++}`)
    }
    return { db, path, add }
  }

  it('counts once, then takes off what was deleted: events added since are left for the next count', () => {
    const { db, add } = open()
    add(10)
    const beyond = new EventsBeyondLimit(db, 4)
    expect(beyond.get()).toBe(6)
    db.prepare('DELETE FROM events WHERE seq <= 2').run()
    beyond.deleted(2)
    add(5)
    expect(beyond.get()).toBe(4)
    beyond.recount()
    expect(beyond.get()).toBe(13 - 4)
    db.close()
  })

  it('counts again after another connection committed (it may have deleted events)', () => {
    const { db, path, add } = open()
    add(10)
    const beyond = new EventsBeyondLimit(db, 4)
    expect(beyond.get()).toBe(6)
    const other = new Database(path)
    other.prepare('DELETE FROM events WHERE seq <= 3').run()
    other.close()
    expect(beyond.get()).toBe(3)
    db.close()
  })

  it('is 0 without a count limit, and never below 0', () => {
    const { db, add } = open()
    add(3)
    expect(new EventsBeyondLimit(db, Number.POSITIVE_INFINITY).get()).toBe(0)
    const beyond = new EventsBeyondLimit(db, 2)
    beyond.deleted(5)
    expect(beyond.get()).toBe(1)
    beyond.deleted(5)
    expect(beyond.get()).toBe(0)
    db.close()
  })
})
