import { createEvent, type Event } from '@switchyard/core'
import { describe, expect, it, vi } from 'vitest'
import { SqliteStore } from '../sqlite-store.js'
import type { RetentionOptions } from '../sqlite-store-options.js'
import { sleep } from '../test-support/sleep.js'
import { useTempDir } from '../test-support/temp-dir.js'

const NO_AGE_LIMIT = Number.POSITIVE_INFINITY

describe('event retention', () => {
  const temp = useTempDir()
  const open = (retention: RetentionOptions): SqliteStore =>
    new SqliteStore({ path: temp.file('store.db'), retention: { intervalMs: 0, ...retention } })

  async function accept(store: SqliteStore, count: number, finished: boolean): Promise<Event[]> {
    const events = Array.from({ length: count }, (_, n) => createEvent('order.created', { n }))
    for (const event of events) await store.acceptEvent(event, ['audit_log'])
    if (finished) {
      const updatedAt = new Date().toISOString()
      const records = events.map((e) => ({
        eventId: e.id,
        handler: 'audit_log',
        attempts: 1,
        durationMs: 1,
        updatedAt,
      }))
      await store.recordDeliveries(records.map((r) => ({ ...r, status: 'succeeded' as const })))
    }
    return events
  }

  it('keeps at most maxEvents, dropping the oldest finished events and never an unfinished one', async () => {
    const store = open({ maxEvents: 3, maxAgeMs: NO_AGE_LIMIT })
    const unfinished = await accept(store, 2, false)
    const finished = await accept(store, 8, true)
    expect(await store.prune()).toMatchObject({ events: 7 })
    expect((await store.unfinishedEvents()).map((u) => u.event.id)).toEqual(unfinished.map((e) => e.id))
    expect(await store.deliveries(finished[6]!.id)).toEqual([])
    expect(await store.deliveries(finished[7]!.id)).toHaveLength(1)
    expect(await store.prune()).toMatchObject({ events: 0 })
    await store.close()
  })

  it("goes on with the timer's run batch after batch until retention caught up with the ingest", async () => {
    // 200 finished events beyond the bound, 2 per batch: one batch per interval would need 100 s
    const store = open({ maxEvents: 3, maxAgeMs: NO_AGE_LIMIT, batchSize: 2, intervalMs: 1000 })
    const events = await accept(store, 203, true)
    await vi.waitFor(async () => expect(await store.deliveries(events[199]!.id)).toEqual([]), {
      timeout: 20_000,
      interval: 100,
    })
    expect(await store.deliveries(events[200]!.id)).toHaveLength(1)
    await store.close()
  }, 30_000)

  it('deletes at most batchSize events per run', async () => {
    const store = open({ maxEvents: 0, maxAgeMs: NO_AGE_LIMIT, batchSize: 2 })
    await accept(store, 5, true)
    const runs = [await store.prune(), await store.prune(), await store.prune(), await store.prune()]
    expect(runs.map((r) => r.events)).toEqual([2, 2, 1, 0])
    await store.close()
  })

  it('deletes finished events older than maxAgeMs, including ledgers of events never accepted', async () => {
    const store = open({ maxAgeMs: 300 })
    const old = await accept(store, 3, true)
    const oldUnfinished = await accept(store, 1, false)
    const updatedAt = new Date().toISOString()
    await store.recordDeliveries([
      {
        eventId: 'published-directly',
        handler: 'audit_log',
        status: 'succeeded',
        attempts: 1,
        durationMs: 1,
        updatedAt,
      },
    ])
    await sleep(350)
    const recent = await accept(store, 1, true)
    expect(await store.prune()).toMatchObject({ events: 4 })
    expect(await store.deliveries(old[0]!.id)).toEqual([])
    expect(await store.deliveries('published-directly')).toEqual([])
    expect(await store.deliveries(recent[0]!.id)).toHaveLength(1)
    expect((await store.unfinishedEvents()).map((u) => u.event.id)).toEqual([oldUnfinished[0]!.id])
    await store.close()
  })

  it('runs on its own timer off the write path', async () => {
    const store = open({ maxEvents: 0, maxAgeMs: NO_AGE_LIMIT, intervalMs: 5 })
    const [event] = await accept(store, 1, true)
    await vi.waitFor(async () => expect(await store.deliveries(event!.id)).toEqual([]))
    await store.close()
  })
})
