import type { Event } from '@switchyard/core'
import { median, percentile } from '../../lib/stats.js'
import type { GroupResult, Row, SuiteContext } from '../../lib/suite.js'

/** A case ready to ingest blocks of events. */
export interface IngestRunner {
  /** Ingests every event of the block (durably, if the case is durable); resolves to each event's latency in ns. */
  ingest(events: readonly Event[]): Promise<Float64Array>
  teardown(): Promise<void> | void
}

/** One row of a group: how to build it. Setup is not timed. */
export interface IngestCase {
  name: string
  setup(): Promise<IngestRunner> | IngestRunner
}

/** The group to measure and the table metadata of its result. */
export interface IngestGroupSpec extends Omit<GroupResult, 'rows'> {
  cases: IngestCase[]
  makeEvents(count: number): Event[]
}

const full = { warmup: 5_000, block: 20_000, rounds: 5 }
const quick = { warmup: 500, block: 2_000, rounds: 2 }

/**
 * Calls `accept` for every event from `callers` concurrent callers (each takes the next event when its previous
 * one resolved), timing each call from start to resolution.
 *
 * @example
 * ```ts
 * const latencies = await concurrentCalls(events, 256, (e) => store.acceptEvent(e, ['audit_log']))
 * ```
 */
export async function concurrentCalls(
  events: readonly Event[],
  callers: number,
  accept: (event: Event) => Promise<unknown>,
): Promise<Float64Array> {
  const latencies = new Float64Array(events.length)
  let next = 0
  const caller = async (): Promise<void> => {
    while (next < events.length) {
      const i = next++
      const started = process.hrtime.bigint()
      await accept(events[i]!)
      latencies[i] = Number(process.hrtime.bigint() - started)
    }
  }
  await Promise.all(Array.from({ length: callers }, caller))
  return latencies
}

/**
 * Measures every case of a group: one untimed warm-up block each, then `rounds` rounds in which the cases take
 * turns (order rotated each round). A round times one block of events end to end for throughput; p50/p99
 * come from the per-event latencies of the same block. Each row reports the median of its rounds.
 *
 * @example
 * ```ts
 * const group = await measureIngest({ title: 'accept', unit: 'events/s', baseline: 'bare', cases, makeEvents }, ctx)
 * ```
 */
export async function measureIngest(spec: IngestGroupSpec, ctx: SuiteContext): Promise<GroupResult> {
  const sizes = ctx.quick ? quick : full
  const runners: IngestRunner[] = []
  for (const ingestCase of spec.cases) {
    const runner = await ingestCase.setup()
    await runner.ingest(spec.makeEvents(sizes.warmup))
    runners.push(runner)
  }
  const rates = spec.cases.map((): number[] => [])
  const p50 = spec.cases.map((): number[] => [])
  const p99 = spec.cases.map((): number[] => [])
  for (let round = 0; round < sizes.rounds; round++) {
    for (let k = 0; k < runners.length; k++) {
      const index = (k + round) % runners.length
      const events = spec.makeEvents(sizes.block)
      const started = process.hrtime.bigint()
      const latencies = await runners[index]!.ingest(events)
      const elapsedNs = Number(process.hrtime.bigint() - started)
      rates[index]!.push(events.length / (elapsedNs / 1e9))
      latencies.sort()
      p50[index]!.push(percentile(latencies, 0.5) / 1e6)
      p99[index]!.push(percentile(latencies, 0.99) / 1e6)
    }
  }
  for (const runner of runners) await runner.teardown()
  const rows: Row[] = spec.cases.map((c, i) => ({
    name: c.name,
    opsPerSec: median(rates[i]!),
    p50Ms: median(p50[i]!),
    p99Ms: median(p99[i]!),
  }))
  ctx.log(`${spec.title}: ${rows.map((r) => `${r.name} ${Math.round(r.opsPerSec)}/s`).join(', ')}`)
  const { cases: _cases, makeEvents: _makeEvents, ...result } = spec
  return { ...result, rows }
}
