import { fileURLToPath } from 'node:url'
import { type Event, EventBus, isFinalStatus } from '@switchyard/core'
import { waitFor } from '@switchyard/core/testing'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from './sqlite-store.js'
import { runUntilKilled } from './test-support/run-until-killed.js'
import { useTempDir } from './test-support/temp-dir.js'

const writer = fileURLToPath(new URL('../test/fixtures/flow-writer.ts', import.meta.url))

describe('flow control on SQLite across SIGKILL', () => {
  const temp = useTempDir()

  it('loses no debounced or batched event accepted before the kill: after resume the burst runs once, the batch whole', async () => {
    const path = temp.file('flow.db')
    const lines = await runUntilKilled(writer, [path], 'done\n')
    const accepted = (kind: string) =>
      lines.filter((line) => line.startsWith(`accepted ${kind} `)).map((line) => line.split(' ')[2]!)
    const edits = accepted('edit')
    const rows = accepted('row')
    expect([edits.length, rows.length]).toEqual([5, 7])

    const store = new SqliteStore({ path, retention: { intervalMs: 0 } })
    const bus = new EventBus({ store })
    const indexed: Event[] = []
    const batches: string[][] = []
    bus.subscribe('doc.edited', (event) => void indexed.push(event), {
      name: 'indexer',
      debounce: { periodMs: 200, key: 'data.doc' },
    })
    bus.subscribe('row.imported', (events) => void batches.push(events.map((event) => event.id)), {
      name: 'importer',
      batch: { maxSize: 100, maxWaitMs: 200 },
    })
    await bus.resume()
    const statusOf = async (id: string) => (await store.deliveries(id))[0]?.status
    const finished = async () => {
      for (const id of [...edits, ...rows]) {
        const status = await statusOf(id)
        if (status === undefined || !isFinalStatus(status)) return false
      }
      return true
    }
    let done = false
    await waitFor(
      () => {
        void finished().then((all) => (done = all))
        return done
      },
      'every delivery to end',
      20_000,
    )
    const editStatuses = await Promise.all(edits.map(statusOf))
    expect(editStatuses.filter((s) => s === 'succeeded')).toHaveLength(1)
    expect(editStatuses.filter((s) => s === 'debounced')).toHaveLength(4)
    expect(indexed.map((event) => event.id)).toEqual([edits.at(-1)])
    expect(batches.flat().sort()).toEqual([...rows].sort())
    expect(await Promise.all(rows.map(statusOf))).toEqual(Array(7).fill('succeeded'))
    await bus.close()
  }, 60_000)
})
