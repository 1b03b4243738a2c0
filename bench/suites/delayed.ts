import { measureGroup } from '../lib/measure.js'
import type { GroupResult, Suite, SuiteContext, SuiteResult } from '../lib/suite.js'
import { delayedEnqueueCase, type StoreKind } from './delayed/enqueue-case.js'

/** Enqueue to one handler and wait for it, without and with a delay, on one store. */
function delayCost(ctx: SuiteContext, store: StoreKind): Promise<GroupResult> {
  const off = `no delay (${store})`
  return measureGroup(
    {
      title: `Enqueue to 1 async handler on the ${store} store, delay option on vs off`,
      description:
        'One operation is `await bus.enqueue(event, options)` and the wait until the handler ran for it.',
      unit: 'events/s',
      baseline: off,
      cases: [
        delayedEnqueueCase(off, store, undefined),
        delayedEnqueueCase(`delayMs: 1 (${store})`, store, { delayMs: 1 }),
      ],
      options: { rounds: 4, latencySamples: 500, maxOperations: 5_000 },
    },
    ctx,
  )
}

const notes = [
  `**Delay on vs off**: the real \`EventBus\` (in-process transport) with one async no-op handler, sequential
operations, each an \`enqueue\` and the wait for its delivery. With \`delayMs: 1\` the event takes the delayed
way: its deliveries are written \`scheduled\` (with the due time) and it is kept in the store's KV namespace
\`switchyard.delayed\` keyed by due time; the scheduler loop wakes for it, takes it out of the store and hands it
to the transport. The 1 ms timer bounds the wall-clock rate of that row, so compare the CPU-time ratio: it is what
keeping an event for later costs in this process. Without a delay option enqueue pays one property check.`,
]

/** Delayed delivery: what keeping an event for later costs, on the memory and the SQLite store. */
export const delayedSuite: Suite = {
  name: 'delayed',
  title: 'delayed delivery: delay option on vs off',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const memory = await delayCost(ctx, 'memory')
    const sqlite = await delayCost(ctx, 'sqlite')
    return { groups: [memory, sqlite], targets: [], notes }
  },
}
