import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { StartJournal } from './start-journal.js'
import { useTempDir } from './test-support/temp-dir.js'

describe('StartJournal', () => {
  const temp = useTempDir()
  /** Deliveries whose ledger row is open, as the store would answer. */
  const open = new Set(['e1\naudit_log', 'e2\naudit_log', 'e3\naudit_log'])
  const isOpen = (eventId: string, handler: string) => open.has(`${eventId}\n${handler}`)
  const journalAt = (path: string) => {
    const journal = new StartJournal(path, isOpen)
    journal.open()
    return journal
  }

  it('gives a process reading the file back the starts no committed record followed', () => {
    const path = temp.file('store.db-starts')
    const before = journalAt(path)
    before.add([{ eventId: 'e1', handler: 'audit_log' }])
    before.add([
      { eventId: 'e1', handler: 'audit_log' },
      { eventId: 'e2', handler: 'audit_log' },
      { eventId: 'e3', handler: 'audit_log' },
    ])
    // e2 got a `retrying` record (its row stays open), e3 a final one (committed), then the process died.
    before.reset([{ eventId: 'e2', handler: 'audit_log' }])
    before.recorded([{ eventId: 'e2', handler: 'audit_log' }])
    open.delete('e3\naudit_log')
    before.recorded([{ eventId: 'e3', handler: 'audit_log' }])

    const after = journalAt(path)
    expect(after.count('e1', 'audit_log')).toBe(2)
    expect(after.count('e2', 'audit_log')).toBe(0)
    expect(after.count('e3', 'audit_log')).toBe(0)
    // Read back, the file holds only what still counts.
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2)
    open.add('e3\naudit_log')
  })

  it('skips a line cut off by a crash', () => {
    const path = temp.file('store.db-starts')
    journalAt(path).add([{ eventId: 'e1', handler: 'audit_log' }])
    appendFileSync(path, '+["e2","aud')
    const after = journalAt(path)
    expect(after.count('e1', 'audit_log')).toBe(1)
    expect(after.count('e2', 'audit_log')).toBe(0)
  })

  it('stays small however many starts it counted', () => {
    const path = temp.file('store.db-starts')
    const journal = journalAt(path)
    for (let i = 0; i < 40_000; i++) {
      journal.add([{ eventId: `event-${i}`, handler: 'audit_log' }])
      journal.recorded([{ eventId: `event-${i}`, handler: 'audit_log' }])
    }
    expect(statSync(path).size).toBeLessThanOrEqual(1 << 20)
    journal.close()
    expect(existsSync(path)).toBe(false)
  })
})
