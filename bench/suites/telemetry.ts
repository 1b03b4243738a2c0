import { createEvent, type Event, EventBus } from '@switchyard/core'
import { type BenchCase, measureGroup } from '../lib/measure.js'
import type { GroupResult, Suite, SuiteContext, TargetCheck } from '../lib/suite.js'
import { findRow, ratioTarget } from '../lib/targets.js'
import { type Mode, round, rowOf } from './http.js'
import { loopbackReceiver, loopbackTracing } from './telemetry/traced-bus.js'

/**
 * `BENCH_BASELINE=<checkout> pnpm bench -- telemetry`: a checkout of the commit before telemetry, its
 * `packages/core` built, run as the "no telemetry code" row in the same rounds.
 */
const BASELINE = process.env.BENCH_BASELINE
const ROWS = {
  none: 'no telemetry code (commit before issue 19)',
  off: 'telemetry off (no tracer)',
  otlp: 'otlp, sample ratio 1.0, loopback receiver',
} as const

const HTTP_ROWS: Partial<Record<Mode, string>> = {
  'switchyard-baseline': 'POST /api/v1/events, no telemetry code (commit before issue 19)',
  switchyard: 'POST /api/v1/events, telemetry off',
  'switchyard-otlp': 'POST /api/v1/events, otlp at ratio 1.0 to a loopback receiver',
}

type Bus = Pick<EventBus, 'subscribe' | 'publish' | 'close'>

/**
 * HTTP ingest (the server in a child process on CPU 1, autocannon here, 32 connections) with telemetry off, with
 * OTLP export at ratio 1.0 to a receiver in this process, and (with `BENCH_BASELINE`) without telemetry code.
 */
async function measureIngest(ctx: SuiteContext): Promise<GroupResult> {
  const seconds = ctx.quick ? 2 : 6
  const rounds = ctx.quick ? 1 : 3
  const modes = (Object.keys(HTTP_ROWS) as Mode[]).filter(
    (mode) => BASELINE !== undefined || !mode.endsWith('-baseline'),
  )
  const receiver = await loopbackReceiver()
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url
  process.env.OTEL_BSP_SCHEDULE_DELAY = '200'
  const results = new Map(modes.map((mode) => [mode, [] as Awaited<ReturnType<typeof round>>[]]))
  try {
    for (let i = 0; i < rounds; i++) {
      for (const mode of modes) {
        ctx.log(`round ${i + 1}/${rounds}: ${mode}`)
        results.get(mode)!.push(await round(mode, seconds))
      }
    }
  } finally {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT
    await receiver.close()
  }
  ctx.log(`the loopback receiver got ${receiver.received()} spans`)
  return {
    title: 'HTTP ingest, 32 connections',
    description: 'One small JSON event per request, no handler; the server answers 202.',
    unit: 'req/s',
    baseline: HTTP_ROWS[modes[0]!]!,
    rows: modes.map((mode) => rowOf(HTTP_ROWS[mode]!, results.get(mode)!)),
  }
}

/** One `await bus.publish(event)` to one no-op handler, on the bus `make` builds. */
function publishCase(name: string, make: () => Promise<{ bus: Bus; done?: () => Promise<void> }>): BenchCase {
  return {
    name,
    async setup() {
      const { bus, done } = await make()
      let calls = 0
      bus.subscribe('order.placed', () => void calls++, { name: 'handler_0', idempotent: false })
      let events: Event[] = []
      return {
        prepare(count) {
          events = Array.from({ length: count }, (_, n) => createEvent('order.placed', { n }))
        },
        run: (i) => bus.publish(events[i]!),
        calls: () => calls,
        callsPerOp: 1,
        async teardown() {
          await bus.close()
          await done?.()
        },
      }
    },
  }
}

const notes = [
  `**Telemetry** (issue 19): one operation is \`await bus.publish(event)\` to one no-op handler on the real
\`EventBus\` (memory store, in-process). "telemetry off" is the bus as the server makes it with
\`telemetry.traces.exporter: none\` (no tracer: the bus takes the untraced runner); "no telemetry code" is the same
bus from the commit before issue 19 (\`BENCH_BASELINE\`); "otlp" makes a \`publish\` and a \`process\` span per
event through the server's own tracing (\`startTelemetry\` with exporter \`otlp\`, ratio 1.0: its sampler, id
generator, counted batch processor and OTLP/HTTP JSON exporter) to a loopback receiver in this process. A timed
block never yields to the event loop, so the batch queue (2,048 spans) fills and later spans are dropped and
counted: the row measures making and recording spans, not exporting them.`,
  `**HTTP ingest**: the \`http\` suite's target (\`bench/suites/http/http-target.ts\`, the real server, memory store,
no plugin) in a child process pinned to CPU 1, loaded by autocannon for 6 s per round, 3 rounds; events/s is
requests per second of the server process's CPU. The \`otlp\` target exports to a receiver in the bench process
(not counted in the server's CPU); the baseline row runs the commit before issue 19 (\`BENCH_BASELINE\`).`,
]

/** Telemetry's cost on publish: off vs no telemetry code, and OTLP at ratio 1.0 vs off. */
export const telemetrySuite: Suite = {
  name: 'telemetry',
  title: 'publish and HTTP ingest with tracing off, without telemetry code, and exporting OTLP',
  async run(ctx: SuiteContext) {
    const cases: BenchCase[] = [
      publishCase(ROWS.off, async () => ({ bus: new EventBus() })),
      publishCase(ROWS.otlp, async () => {
        const tracing = await loopbackTracing()
        return { bus: new EventBus({ tracer: tracing.tracer }), done: () => tracing.close() }
      }),
    ]
    if (BASELINE !== undefined) {
      const baseline = (await import(`${BASELINE}/packages/core/dist/index.js`)) as {
        EventBus: typeof EventBus
      }
      cases.unshift(publishCase(ROWS.none, async () => ({ bus: new baseline.EventBus() })))
    }
    const group = await measureGroup(
      {
        title: 'publish to 1 handler',
        description: 'await bus.publish(event) to one no-op handler (memory store, in-process)',
        unit: 'events/s',
        baseline: BASELINE === undefined ? ROWS.off : ROWS.none,
        cases,
      },
      ctx,
    )
    const ingest = await measureIngest(ctx)
    const http = (mode: Mode) => findRow(ingest, HTTP_ROWS[mode]!)
    const targets: TargetCheck[] = [
      ratioTarget('publish: otlp at ratio 1.0 / off', findRow(group, ROWS.otlp), findRow(group, ROWS.off), {
        min: 0.7,
      }),
      ratioTarget('HTTP ingest: otlp at ratio 1.0 / off', http('switchyard-otlp'), http('switchyard'), {
        min: 0.7,
      }),
    ]
    if (BASELINE !== undefined)
      targets.push(
        ratioTarget('publish: off / no telemetry code', findRow(group, ROWS.off), findRow(group, ROWS.none), {
          min: 0.97,
        }),
        ratioTarget('HTTP ingest: off / no telemetry code', http('switchyard'), http('switchyard-baseline'), {
          min: 0.97,
        }),
      )
    return { groups: [group, ingest], targets, notes }
  },
}
