import { createEvent } from '@switchyard/core'
import type { Suite, SuiteContext, SuiteResult } from '../lib/suite.js'
import { findRow, ratioTarget } from '../lib/targets.js'
import { acceptCase, bareCase, CALLERS, enqueueCase, stores } from './sqlite/ingest-cases.js'
import { measureIngest } from './sqlite/measure-concurrent.js'

const unit = 'events/s'
const bare = 'bare better-sqlite3'
const bareFinal = 'bare better-sqlite3, + final update'
const sqlite = 'SqliteStore'
const busSqlite = 'EventBus + SqliteStore'

let serial = 0
/** Events like a service publishes: a small JSON payload, a new id and idempotency key each. */
const makeEvents = (count: number) =>
  Array.from({ length: count }, () => createEvent('bench.ingested', { n: serial++, sku: 'SKU-1234', qty: 2 }))

const notes = [
  `**Durable ingest**: how many events per second can be accepted such that each caller's promise resolves only
after its event is committed to the SQLite file (WAL, \`synchronous = FULL\`: synced on every commit). ${CALLERS}
callers run concurrently; each accepts its next event when the previous one resolved. SqliteStore commits
everything queued in one turn of the event loop in one transaction (group commit).`,
  `**bare better-sqlite3** writes the same rows (the event as JSON plus one pending delivery row) into the same
schema and indexes (the file is created by SqliteStore), ${CALLERS} events per transaction, synchronously, with
no promises: the ceiling for this file system. An event's latency there is its transaction's.
**bare better-sqlite3, + final update** (the baseline of the EventBus rows and of their target) then commits a
second transaction per batch updating those delivery rows to a final \`succeeded\`, as the bus's ledger does once
the handler ran: the same rows and the same two commits per event that \`enqueue\` and its delivery make. (Until
2026-11-22 the enqueue target was measured against the insert-only row, which does one commit less per batch.)`,
  `**MemoryStore** keeps the same records in memory (nothing durable): the cost of the promise-based Store API
alone. \`synchronous: normal\` syncs at checkpoints only: it survives a process crash, not a power loss.`,
  `**EventBus** rows: \`bus.enqueue(event)\` with one subscribed handler (default policy), then \`bus.drain()\`
inside the timed block, so the throughput includes dispatch and the delivery ledger (\`recordDeliveries\`,
group-committed too); p50/p99 are the latency of \`enqueue\` alone. The harness checks that the handler ran once
per event.`,
  `**Method**: a fresh temporary file per row, one untimed warm-up block, then rounds in which the rows take
turns (order rotated each round), each timing a block of 20,000 new events end to end. Each row is the median of
its rounds. No GC is forced between blocks (after a forced full GC V8 shrinks the young generation and the next
block pays for it).`,
]

/** Durable ingest into SQLite (group commit) against bare better-sqlite3 and the memory store. */
export const sqliteSuite: Suite = {
  name: 'sqlite',
  title: 'durable ingest into SQLite (group commit)',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const accept = await measureIngest(
      {
        title: `Store.acceptEvent, 1 handler, ${CALLERS} concurrent callers`,
        unit,
        baseline: bare,
        makeEvents,
        cases: [
          bareCase(bare),
          acceptCase(sqlite, stores.sqliteFull),
          acceptCase(`${sqlite}, synchronous: normal`, stores.sqliteNormal),
          acceptCase('MemoryStore', stores.memory),
        ],
      },
      ctx,
    )
    const enqueue = await measureIngest(
      {
        title: `EventBus.enqueue to 1 handler, ${CALLERS} concurrent callers, drained`,
        unit,
        baseline: bareFinal,
        makeEvents,
        cases: [
          bareCase(bareFinal, { final: true }),
          enqueueCase(busSqlite, stores.sqliteFull),
          enqueueCase('EventBus + MemoryStore', stores.memory),
        ],
      },
      ctx,
    )
    return {
      groups: [accept, enqueue],
      targets: [
        ratioTarget(
          'durable acceptEvent: SqliteStore / bare better-sqlite3',
          findRow(accept, sqlite),
          findRow(accept, bare),
          {
            min: 0.5,
          },
        ),
        ratioTarget(
          'durable enqueue: EventBus + SqliteStore / bare better-sqlite3 + final update',
          findRow(enqueue, busSqlite),
          findRow(enqueue, bareFinal),
          {
            min: 0.5,
          },
        ),
      ],
      notes,
    }
  },
}
