import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEvent, EventBus } from '@switchyard/core'
import { SqliteStore } from '@switchyard/store-sqlite'
import type { GroupResult, Row } from '../../lib/suite.js'
import { concurrentCalls } from '../sqlite/measure-concurrent.js'

/** Concurrent callers of `enqueue`, as in the sqlite suite. */
const CALLERS = 256
const CHUNKS = 10

/** What pushing `total` events through a SQLite store with retention left behind. */
export interface RetentionRun {
  group: GroupResult
  /** Size of the database file and its WAL at the end, MB. */
  fileMb: number
}

const sizeOf = (path: string) => {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/**
 * `bus.enqueue` of `total` new events to one handler on a SqliteStore (WAL, synchronous FULL) whose retention keeps
 * at most `keep` finished events (its default timer: every second), in ten chunks, each drained before the next:
 * one row per chunk, per CPU-second of this process, so the last chunk reads against the first.
 */
export async function measureRetention(total: number, keep: number): Promise<RetentionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-retention-'))
  const path = join(dir, 'bench.db')
  const store = new SqliteStore({ path, retention: { maxEvents: keep } })
  const bus = new EventBus({ store })
  let handled = 0
  bus.subscribe('bench.retention', () => void handled++, { name: 'bench_retention' })
  const rows: Row[] = []
  const chunk = Math.ceil(total / CHUNKS)
  try {
    for (let k = 0; k < CHUNKS; k++) {
      const events = Array.from({ length: chunk }, (_, n) =>
        createEvent('bench.retention', { n: k * chunk + n }),
      )
      const cpu = process.cpuUsage()
      const started = performance.now()
      const latencies = await concurrentCalls(events, CALLERS, (event) => bus.enqueue(event))
      await bus.drain()
      const wallSeconds = (performance.now() - started) / 1000
      const used = process.cpuUsage(cpu)
      latencies.sort()
      rows.push({
        name: `events ${(k * chunk).toLocaleString('en-US')}-${((k + 1) * chunk).toLocaleString('en-US')}`,
        opsPerSec: chunk / wallSeconds,
        cpuOpsPerSec: chunk / ((used.user + used.system) / 1e6),
        p50Ms: latencies[latencies.length >> 1]! / 1e6,
        p99Ms: latencies[Math.floor(latencies.length * 0.99)]! / 1e6,
      })
    }
    if (handled !== chunk * CHUNKS)
      throw new Error(`retention run: ${handled} of ${chunk * CHUNKS} events handled`)
    const fileMb = (sizeOf(path) + sizeOf(`${path}-wal`)) / (1024 * 1024)
    return {
      group: {
        title: `${(chunk * CHUNKS).toLocaleString('en-US')} events through EventBus + SqliteStore, retention keeping ${keep.toLocaleString('en-US')}`,
        description: `enqueue from ${CALLERS} callers to one handler, drained after each tenth; the file (with its WAL) ends at ${fileMb.toFixed(1)} MB.`,
        unit: 'events/s',
        baseline: rows[0]!.name,
        rows,
      },
      fileMb,
    }
  } finally {
    await bus.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
