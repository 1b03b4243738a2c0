import type { GroupResult, Row, Suite, SuiteContext, SuiteResult, TargetCheck } from '../lib/suite.js'
import { findRow } from '../lib/targets.js'
import {
  inProcessCase,
  type LatencyCase,
  memoryStore,
  natsBusCase,
  rawNatsCase,
  shippedHttpCase,
  sqliteStore,
} from './latency/latency-targets.js'
import { openLoop } from './latency/open-loop.js'
import {
  type BenchTarget,
  CALLERS,
  createBenchStream,
  deleteBenchStream,
  rawCase,
} from './nats/nats-cases.js'

const raw = 'raw nats.js'
const natsBus = 'EventBus + NatsTransport'
const natsStore = 'EventBus + NatsTransport + NatsStore'
/** Offered rates, as shares of raw nats.js's closed-loop maximum in the same run. */
const SHARES = [0.25, 0.5, 0.75] as const
/** The share the NATS latency target is read at. */
const TARGET_SHARE = 0.5

/** raw nats.js's events/s with `CALLERS` publishers each waiting for its ack: the maximum the rates are shares of. */
async function rawMaximum(target: BenchTarget, quick: boolean): Promise<number> {
  const runner = await rawCase(raw, target).setup()
  try {
    await runner.run(quick ? 500 : 2_000)
    const count = quick ? 2_000 : 10_000
    const started = performance.now()
    await runner.run(count)
    return count / ((performance.now() - started) / 1000)
  } finally {
    await runner.teardown()
  }
}

function p99Target(groups: readonly GroupResult[], rates: readonly number[]): TargetCheck {
  const group = groups[SHARES.indexOf(TARGET_SHARE)]!
  const ratio = findRow(group, natsBus).p99Ms / findRow(group, raw).p99Ms
  return {
    label: `NATS p99 at ${TARGET_SHARE * 100}% of raw max (${Math.round(rates[SHARES.indexOf(TARGET_SHARE)]!)}/s): ${natsBus} / ${raw}`,
    bar: '<= 3.00x',
    actual: `${ratio.toFixed(2)}x`,
    pass: ratio <= 3,
  }
}

/** Open-loop latency at fixed offered rates: in process, SQLite, HTTP, NATS, next to raw nats.js. */
export const latencySuite: Suite = {
  name: 'latency',
  title: 'open-loop latency at fixed offered rates (coordinated omission corrected)',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const seconds = ctx.quick ? 2 : 10
    const target = await createBenchStream('bench_lat')
    const cases: LatencyCase[] = [
      rawNatsCase(raw, target),
      natsBusCase(natsBus, 'nats_bus', target, 'memory'),
      natsBusCase(natsStore, 'nats_store', target, 'nats'),
      inProcessCase('EventBus, memory store', memoryStore),
      inProcessCase('EventBus, SQLite store', sqliteStore),
      shippedHttpCase('HTTP, shipped config (202 once committed)'),
    ]
    try {
      const maximum = await rawMaximum(target, ctx.quick)
      const rates = SHARES.map((share) => Math.max(1, Math.round(maximum * share)))
      ctx.log(`raw nats.js maximum ${Math.round(maximum)}/s: offering ${rates.join(', ')} events/s`)
      const rows: Row[][] = SHARES.map(() => [])
      const unfinished: string[] = []
      for (const latencyCase of cases) {
        for (const [i, rate] of rates.entries()) {
          const runner = await latencyCase.setup(i)
          try {
            await openLoop(runner, rate, 1) // warm-up, not recorded
            const result = await openLoop(runner, rate, seconds)
            ctx.log(
              `${latencyCase.name} at ${rate}/s: achieved ${Math.round(result.achievedPerSec)}/s, p99 ${result.p99Ms.toFixed(2)} ms`,
            )
            if (result.unfinished > 0)
              unfinished.push(`${latencyCase.name} at ${rate}/s: ${result.unfinished} unfinished`)
            rows[i]!.push({
              name: latencyCase.name,
              opsPerSec: result.achievedPerSec,
              p50Ms: result.p50Ms,
              p99Ms: result.p99Ms,
              p999Ms: result.p999Ms,
            })
          } finally {
            await runner.teardown()
          }
        }
      }
      const groups: GroupResult[] = SHARES.map((share, i) => ({
        title: `offered ${rates[i]} events/s (${share * 100}% of raw nats.js's maximum) for ${seconds} s`,
        unit: 'events/s achieved',
        baseline: raw,
        rows: rows[i]!,
      }))
      return {
        groups,
        targets: [p99Target(groups, rates)],
        notes: notes(Math.round(maximum), seconds, unfinished),
      }
    } finally {
      await deleteBenchStream(target)
    }
  },
}

function notes(maximum: number, seconds: number, unfinished: readonly string[]): string[] {
  return [
    `**Open loop**: each row is offered events at a fixed rate for ${seconds} s, whether or not it keeps up (as
wrk2 does), after a 1 s warm-up at that rate, on a target set up anew for each rate (a new bus and durable
consumer, a new server), so a backlog left by one rate does not count against the next. An event's latency runs from the moment it was **scheduled** to
be sent to the moment its handler finished, so a stall of the sender (the same process's event loop) counts for
every event scheduled during it: coordinated omission corrected. Percentiles come from an HdrHistogram
(\`hdr-histogram-js\`, 3 significant digits). The sender wakes on a timer about once a millisecond and sends what
is due, so up to ~1 ms of every row's latency is the sender's. **events/s achieved** is events finished per
second from the first scheduled send to the last finish: below the offered rate, the row did not keep up and its
latency grows with the run. An event not finished 10 s after the last send counts as 10 s.`,
    `The rates are 25%, 50% and 75% of what **raw nats.js** reached in this run with ${CALLERS} publishers each
waiting for its ack (${maximum.toLocaleString('en-US')} events/s, publisher and consumer in this process).`,
    `**raw nats.js**: \`js.publish\` with a message id, one durable pull consumer read with \`consume()\`, JSON
decoded and \`m.ack()\`; an event is finished when the consumer read it. **EventBus + NatsTransport**:
\`bus.enqueue\` on a MemoryStore with one handler (default policy); finished when the handler ran. **+ NatsStore**:
the same with the delivery ledger and idempotency in JetStream KV. **EventBus, memory / SQLite store**: \`bus.enqueue\`
on the in-process transport (SQLite: a new file, WAL, synchronous FULL; enqueue resolves once committed), finished
when the handler ran. **HTTP, shipped config**: \`POST /api/v1/events\` to the server started from
\`config/switchyard.yaml\` (five plugins, SQLite) in a child process on CPU 1, keep-alive connections; finished at
the 202, which is sent once the event is committed (its three handlers run after).`,
    ...(unfinished.length > 0 ? [`Unfinished after the grace period: ${unfinished.join('; ')}.`] : []),
  ]
}
