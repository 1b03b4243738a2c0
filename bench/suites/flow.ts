import type { FlowOptions } from '@switchyard/core'
import { measureGroup } from '../lib/measure.js'
import type { GroupResult, Suite, SuiteContext, SuiteResult, TargetCheck } from '../lib/suite.js'
import { switchyardCase } from './core/switchyard.js'
import { measureThrottleRate } from './flow/throttle-rate.js'

const OFF = 'no flow options'
const DAY_MS = 24 * 3600_000
/** Each option set so that it never holds the benchmark's events back: what is measured is its own cost. */
const options: [string, FlowOptions][] = [
  ['throttle (never reached)', { throttle: { limit: 1_000_000_000, periodMs: 1000 } }],
  ['rateLimit (never reached)', { rateLimit: { limit: 1_000_000_000, periodMs: DAY_MS } }],
  ['keyed concurrency (16 per data.n)', { concurrency: { limit: 16, key: 'data.n' } }],
  ['priority (data.n)', { priority: { key: 'data.n', values: { '1': 10 } } }],
  ['batch (maxSize 1)', { batch: { maxSize: 1, maxWaitMs: 1000 } }],
  ['debounce (1 ms, a key per event)', { debounce: { periodMs: 1, key: 'data.n' } }],
]

/** Publish to one async handler, without and with each flow option. */
function optionCost(ctx: SuiteContext): Promise<GroupResult> {
  const topology = { type: 'order.placed', matching: 1, others: 0, idempotent: false }
  return measureGroup(
    {
      title: 'Publish to 1 async handler, each flow option on vs off',
      description:
        'One operation is `await bus.publish(event)`; the option is set so that it never holds an event back.',
      unit: 'events/s',
      baseline: OFF,
      cases: [
        switchyardCase(OFF, topology),
        ...options.map(([name, flow]) => switchyardCase(name, { ...topology, flow })),
      ],
      options: { rounds: 4, latencySamples: 1_000 },
    },
    ctx,
  )
}

const notes = [
  `**Options on vs off**: the real \`EventBus\` (memory store, in-process transport, \`idempotent: false\`), one
async handler, sequential \`await bus.publish(event)\` as in the core suite. Each option is set so that it never
holds an event back (a throttle and a rate limit far above the rate, a key per event for keyed concurrency), so
the row is what the option's machinery costs: a handler with any flow option leaves the fast path for the flow
gate (rate limit, debounce, batch, then the admission queue). A handler with none pays one property check.
**debounce** waits \`periodMs\` (1 ms) after each event by definition, so its row is bound by that timer, not
by the code; **batch** with \`maxSize: 1\` closes each batch at once.`,
  `**Throttle 1,000/s over 10 s**: a backlog of 13,000 events enqueued to one throttled no-op handler; starts
counted over 10 s. Throttle windows are fixed and aligned to the epoch, so the configured rate holds over whole
windows: \`{ limit: 1000, periodMs: 1000 }\` is counted from the first window boundary after the first start.
Counted from the first start instead, a span cuts a window in two and may hold one window more; the
\`{ limit: 10, periodMs: 10 }\` row (the same 1,000/s in 10 ms windows) is counted that way. Throughput here is
per wall-clock second (the rate is the point), the ratio is to 1,000/s.`,
]

/** Flow control: what each option costs on publish, and whether a 1,000/s throttle holds its rate. */
export const flowSuite: Suite = {
  name: 'flow',
  title: 'flow control: options on vs off, throttle rate',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const cost = await optionCost(ctx)
    const seconds = ctx.quick ? 2 : 10
    ctx.log(`throttle 1,000/s over ${seconds} s`)
    const whole = await measureThrottleRate(
      '1000 per 1000 ms, whole windows',
      { limit: 1000, periodMs: 1000 },
      seconds,
      true,
    )
    const fine = await measureThrottleRate(
      '10 per 10 ms, from the first start',
      { limit: 10, periodMs: 10 },
      seconds,
      false,
    )
    const rate: GroupResult = {
      title: `Throttle of 1,000 starts/s over ${seconds} s (backlog always waiting)`,
      unit: 'starts/s',
      baseline: whole.row.name,
      rows: [whole.row, fine.row],
    }
    const within = (label: string, ratio: number): TargetCheck => ({
      label,
      bar: 'within 2% of 1,000/s',
      actual: `${(ratio * 1000).toFixed(0)}/s (${((ratio - 1) * 100).toFixed(2)}%)`,
      pass: Math.abs(ratio - 1) <= 0.02,
    })
    return {
      groups: [cost, rate],
      targets: [
        within(`throttle ${whole.row.name}`, whole.ratio),
        within(`throttle ${fine.row.name}`, fine.ratio),
      ],
      notes,
    }
  },
}
