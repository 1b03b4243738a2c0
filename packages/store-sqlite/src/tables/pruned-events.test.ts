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

  /** The ids among `ids` that still have ledger rows. */
  const withLedger = async (store: SqliteStore, ids: readonly string[]): Promise<string[]> => {
    const found: string[] = []
    for (const id of ids) if ((await store.deliveries(id)).length > 0) found.push(id)
    return found
  }

  // maxEvents, the ids of finished events in acceptance order, and the ids whose ledger retention keeps
  it.each([
    [
      'the oldest go when their ids sort in acceptance order',
      2,
      ['a1', 'a2', 'a3', 'a4', 'a5'],
      ['a4', 'a5'],
    ],
    [
      "a later event whose id sorts among the deleted ones' keeps its ledger",
      2,
      ['a1', 'a3', 'a5', 'a2', 'a9'],
      ['a2', 'a9'],
    ],
    [
      'the same while one of theirs sorts after (as many ids in their range)',
      1,
      ['a1', 'z9', 'a5', 'a3'],
      ['a3'],
    ],
    [
      'an id that sorts outside those deleted with it loses its ledger with them',
      1,
      ['a1', 'z9', 'a5', 'b0'],
      ['b0'],
    ],
  ])('%s', async (_, maxEvents, ids, kept) => {
    const store = open(maxEvents)
    await accept(store, ids, true)
    expect(await store.prune()).toMatchObject({ events: ids.length - maxEvents })
    expect(await withLedger(store, ids)).toEqual(kept)
    const listed = await store.listEvents({ since: new Date(0).toISOString() })
    expect(listed.map((e) => e.id)).toEqual(ids.slice(-maxEvents))
    await store.close()
  })

  it('skips an unfinished event among the oldest and deletes the finished ones around it', async () => {
    const store = open(2)
    await accept(store, ['a1'], true)
    const [open1] = await accept(store, ['a2'], false)
    await accept(store, ['a3', 'a4'], true)
    expect(await store.prune()).toMatchObject({ events: 2 })
    expect(await withLedger(store, ['a1', 'a2', 'a3', 'a4'])).toEqual(['a2', 'a4'])
    expect((await store.unfinishedEvents()).map((u) => u.event.id)).toEqual([open1!.id])
    await store.close()
  })
})
