import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Event, EventBus, MemoryStore, type Store } from '@switchyard/core'
import { SqliteStore } from '@switchyard/store-sqlite'
import Database from 'better-sqlite3'
import { concurrentCalls, type IngestCase, type IngestRunner } from './measure-concurrent.js'

/** Concurrent callers of acceptEvent/enqueue, and the transaction size of the bare baseline: the same number. */
export const CALLERS = 256
const HANDLER = 'bench_handler'

/** A fresh directory for one case's database file, removed at teardown. */
function tempFile(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'))
  return { path: join(dir, 'bench.db'), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

function sqliteStore(path: string, synchronous: 'full' | 'normal'): SqliteStore {
  return new SqliteStore({ path, synchronous })
}

/**
 * Bare better-sqlite3 writing the rows `acceptEvent` writes (the event as JSON, one pending delivery) into the
 * same schema (created by opening the file with SqliteStore first), `CALLERS` events per transaction, WAL and
 * `synchronous = FULL` like the store's default. An event's latency is its transaction's. With `final`, each
 * batch is followed by a second transaction updating its deliveries to a final `succeeded` row, as the bus's
 * ledger does once the handler ran: the same rows and commits as `EventBus.enqueue` then delivery.
 *
 * @example
 * ```ts
 * const row = bareCase('bare better-sqlite3')
 * ```
 */
export function bareCase(name: string, options: { final?: boolean } = {}): IngestCase {
  return {
    name,
    async setup(): Promise<IngestRunner> {
      const file = tempFile()
      await sqliteStore(file.path, 'full').close()
      const db = new Database(file.path)
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = FULL')
      const insertEvent = db.prepare('INSERT INTO events (id, body, accepted_ms) VALUES (?, ?, ?)')
      const insertDelivery = db.prepare(
        `INSERT INTO deliveries (event_id, handler, status, final, attempts, duration_ms, error, updated_at)
         VALUES (?, ?, 'pending', 0, 0, 0, NULL, ?)`,
      )
      const finishDelivery = db.prepare(
        `UPDATE deliveries SET status = 'succeeded', final = 1, attempts = 1, duration_ms = 0, updated_at = ?
         WHERE event_id = ? AND handler = ?`,
      )
      const insertBatch = db.transaction((batch: readonly Event[]) => {
        const now = Date.now()
        const updatedAt = new Date(now).toISOString()
        for (const event of batch) {
          insertEvent.run(event.id, JSON.stringify(event), now)
          insertDelivery.run(event.id, HANDLER, updatedAt)
        }
      })
      const finishBatch = db.transaction((batch: readonly Event[]) => {
        const updatedAt = new Date().toISOString()
        for (const event of batch) finishDelivery.run(updatedAt, event.id, HANDLER)
      })
      return {
        async ingest(events) {
          const latencies = new Float64Array(events.length)
          for (let start = 0; start < events.length; start += CALLERS) {
            const batch = events.slice(start, start + CALLERS)
            const started = process.hrtime.bigint()
            insertBatch(batch)
            latencies.fill(Number(process.hrtime.bigint() - started), start, start + CALLERS)
            if (options.final) finishBatch(batch)
          }
          return latencies
        },
        teardown() {
          db.close()
          file.remove()
        },
      }
    },
  }
}

/**
 * `store.acceptEvent(event, [handler])` from `CALLERS` concurrent callers; a fresh file per case.
 *
 * @example
 * ```ts
 * const row = acceptCase('SqliteStore', (path) => new SqliteStore({ path }))
 * ```
 */
export function acceptCase(name: string, open: (path: string) => Store): IngestCase {
  return {
    name,
    setup(): IngestRunner {
      const file = tempFile()
      const store = open(file.path)
      return {
        ingest: (events) => concurrentCalls(events, CALLERS, (event) => store.acceptEvent(event, [HANDLER])),
        async teardown() {
          await store.close()
          file.remove()
        },
      }
    },
  }
}

/**
 * `bus.enqueue(event)` from `CALLERS` concurrent callers into an EventBus with one subscribed handler, then
 * `bus.drain()` inside the timed block, so that dispatch and the delivery ledger are paid for too. Throws when
 * the handler did not run exactly once per event.
 *
 * @example
 * ```ts
 * const row = enqueueCase('EventBus + SqliteStore', (path) => new SqliteStore({ path }))
 * ```
 */
export function enqueueCase(name: string, open: (path: string) => Store): IngestCase {
  return {
    name,
    setup(): IngestRunner {
      const file = tempFile()
      const bus = new EventBus({ store: open(file.path) })
      let calls = 0
      bus.subscribe('bench.**', () => void calls++, { name: HANDLER })
      return {
        async ingest(events) {
          const before = calls
          const latencies = await concurrentCalls(events, CALLERS, (event) => bus.enqueue(event))
          await bus.drain()
          if (calls - before !== events.length) {
            throw new Error(`${name}: ${events.length} events made ${calls - before} handler calls`)
          }
          return latencies
        },
        async teardown() {
          await bus.close()
          file.remove()
        },
      }
    },
  }
}

/** The stores compared, by row name. */
export const stores = {
  sqliteFull: (path: string): Store => sqliteStore(path, 'full'),
  sqliteNormal: (path: string): Store => sqliteStore(path, 'normal'),
  memory: (): Store => new MemoryStore(),
}
