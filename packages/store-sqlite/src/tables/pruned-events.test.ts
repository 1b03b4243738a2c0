import { createEvent, type Event } from '@switchyard/core'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from '../sqlite-store.js'
import { useTempDir } from '../test-support/temp-dir.js'

describe('PrunedEvents', () => {
  const temp = useTempDir()
  const open = (maxEvents: number): SqliteStore =>
    new SqliteStore({
      path: temp.file('store.db'),
      retention: { intervalMs: 0, maxEvents, maxAgeMs: Number.POSITIVE_INFINITY },
    })

  /** Accepts events with these ids, in this order, for one handler; `finished` ones succeed. */
  async function accept(store: SqliteStore, ids: readonly string[], finished: boolean): Promise<Event[]> {
    const events = ids.map((id) => createEvent('order.created', {}, { id }))
    for (const event of events) await store.acceptEvent(event, ['audit_log'])
    if (finished) {
      const updatedAt = new Date().toISOString()
      await store.recordDeliveries(
        events.map((e) => ({
          eventId: e.id,
          handler: 'audit_log',
          status: 'succeeded' as const,
          attempts: 1,
          durationMs: 1,
          updatedAt,
        })),
      )
    }
    return events
  }

  const kept = async (store: SqliteStore, ids: readonly string[]): Promise<string[]> => {
    const withLedger: string[] = []
    for (const id of ids) if ((await store.deliveries(id)).length > 0) withLedger.push(id)
    return withLedger
  }

  it('deletes the oldest finished events and their ledger when their ids sort in acceptance order', async () => {
    const store = open(2)
    await accept(store, ['a1', 'a2', 'a3', 'a4', 'a5'], true)
    expect(await store.prune()).toMatchObject({ events: 3 })
    expect(await kept(store, ['a1', 'a2', 'a3', 'a4', 'a5'])).toEqual(['a4', 'a5'])
    await store.close()
  })

  it("keeps the ledger of a later event whose id sorts among the deleted ones'", async () => {
    const store = open(2)
    await accept(store, ['a1', 'a3', 'a5', 'a2', 'a9'], true)
    expect(await store.prune()).toMatchObject({ events: 3 })
    expect(await kept(store, ['a1', 'a3', 'a5', 'a2', 'a9'])).toEqual(['a2', 'a9'])
    expect((await store.listEvents({ since: new Date(0).toISOString() })).map((e) => e.id)).toEqual([
      'a2',
      'a9',
    ])
    await store.close()
  })

  it("keeps the ledger of a later event whose id sorts among the deleted ones' while one of theirs sorts after", async () => {
    const store = open(1)
    await accept(store, ['a1', 'z9', 'a5', 'a3'], true)
    expect(await store.prune()).toMatchObject({ events: 3 })
    expect(await kept(store, ['a1', 'z9', 'a5', 'a3'])).toEqual(['a3'])
    await store.close()
  })

  it('skips an unfinished event among the oldest and deletes the finished ones around it', async () => {
    const store = open(2)
    await accept(store, ['a1'], true)
    const [open1] = await accept(store, ['a2'], false)
    await accept(store, ['a3', 'a4'], true)
    expect(await store.prune()).toMatchObject({ events: 2 })
    expect(await kept(store, ['a1', 'a2', 'a3', 'a4'])).toEqual(['a2', 'a4'])
    expect((await store.unfinishedEvents()).map((u) => u.event.id)).toEqual([open1!.id])
    await store.close()
  })
})
