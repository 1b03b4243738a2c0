import { measureGroup } from '../lib/measure.js'
import type { GroupResult, Suite, SuiteContext, SuiteResult } from '../lib/suite.js'
import { findRow, ratioTarget } from '../lib/targets.js'
import { switchyardCase } from './core/switchyard.js'
import { measureE2e } from './nats/measure-e2e.js'
import { createBenchStream, deleteBenchStream } from './nats/nats-cases.js'
import { processCase } from './nats/process-case.js'
import { measurePluginScale } from './scaling/plugin-scale.js'
import { measureRetention } from './scaling/sqlite-retention.js'
import { measureSseScale } from './scaling/sse-scale.js'

const short = { rounds: 3, roundMs: 100, latencySamples: 1_000 }
const count = (n: number) => n.toLocaleString('en-US')

/** Publish to 1, 10 and 100 async handlers of one type: cost per event and per delivery. */
function handlers(ctx: SuiteContext): Promise<GroupResult> {
  return measureGroup(
    {
      title: 'publish to 1 / 10 / 100 async handlers (memory store, idempotent: false)',
      unit: 'events/s',
      baseline: '1 handler',
      cases: [1, 10, 100].map((matching) =>
        switchyardCase(matching === 1 ? '1 handler' : `${matching} handlers`, {
          type: 'order.placed',
          matching,
          others: 0,
          idempotent: false,
        }),
      ),
      options: short,
    },
    ctx,
  )
}

const ALONE = 'order.* alone'
const subscriptionRow = (others: number) => `order.* among ${count(others + 1)} subscriptions`

/** One matching wildcard subscription among 1k, 10k and 100k that never match, against it alone. */
function subscriptions(ctx: SuiteContext): Promise<GroupResult> {
  const sizes = [1_000, 10_000, 100_000]
  return measureGroup(
    {
      title: 'publish to order.* among 1,000 / 10,000 / 100,000 subscriptions (1 matches)',
      unit: 'events/s',
      baseline: ALONE,
      cases: [
        switchyardCase(ALONE, {
          type: 'order.placed',
          pattern: 'order.*',
          matching: 1,
          others: 0,
          idempotent: false,
        }),
        ...sizes.map((size) =>
          switchyardCase(subscriptionRow(size - 1), {
            type: 'order.placed',
            pattern: 'order.*',
            matching: 1,
            others: size - 1,
            idempotent: false,
          }),
        ),
      ],
      options: short,
    },
    ctx,
  )
}

/** 1 to 4 node processes sharing one handler that waits (I/O) with concurrency 1 each. */
async function natsNodes(ctx: SuiteContext): Promise<GroupResult> {
  const target = await createBenchStream('bench_scale')
  try {
    return await measureE2e(
      {
        title: 'NATS: 1 / 2 / 3 / 4 nodes, handler waiting 2 ms, concurrency 1 per node',
        unit: 'events/s',
        baseline: '1 node',
        cases: [1, 2, 3, 4].map((nodes) =>
          processCase(nodes === 1 ? '1 node' : `${nodes} nodes`, `scale_${nodes}`, target, {
            nodes,
            concurrency: 1,
            handlerMs: 2,
          }),
        ),
        sizes: ctx.quick ? { warmup: 20, block: 100, rounds: 1 } : { warmup: 100, block: 600, rounds: 2 },
      },
      ctx,
    )
  } finally {
    await deleteBenchStream(target)
  }
}

/** How cost grows with the work: handlers, subscriptions, plugins, stored events, SSE clients, nodes. */
export const scalingSuite: Suite = {
  name: 'scaling',
  title: 'how cost grows with handlers, subscriptions, plugins, stored events, SSE clients and nodes',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const fanout = await handlers(ctx)
    const wildcard = await subscriptions(ctx)
    ctx.log('plugins')
    const plugins = await measurePluginScale(ctx.quick ? [10, 100] : [10, 100, 1_000])
    const stored = ctx.quick ? 50_000 : 1_000_000
    ctx.log(`${count(stored)} events through SQLite`)
    const retention = await measureRetention(stored, stored / 10)
    ctx.log('SSE clients')
    const sse = await measureSseScale(ctx.quick ? [10, 100] : [10, 100, 1_000], ctx.quick ? 10 : 50)
    ctx.log('NATS nodes')
    const nodes = await natsNodes(ctx)
    const chunks = retention.group.rows
    return {
      groups: [fanout, wildcard, plugins, retention.group, sse, nodes],
      targets: [
        ratioTarget(
          `${count(stored)} events with retention: last-10% / first-10% throughput`,
          chunks[chunks.length - 1]!,
          chunks[0]!,
          { min: 0.9 },
        ),
        ratioTarget(
          'cost of 100,000 subscriptions of which 1 matches / that 1 alone',
          findRow(wildcard, ALONE),
          findRow(wildcard, subscriptionRow(99_999)),
          { max: 1.1 },
        ),
      ],
      notes: [
        `**Handlers**: one \`await bus.publish(event)\` reaches N async handlers (the core suite's Switchyard case);
deliveries per second are events/s x N. **Subscriptions**: one \`order.*\` among N-1 exact \`order.other_<k>\`
subscriptions that never match; the pattern index looks up the event's type, so the cost should not depend on N.`,
        `**Plugins**: one \`PluginHost.start\` on N freshly written plugin packages (the host suite's generator: a
handler, a route and a health check each, a dependency chain), first import; the heap it holds once started is
in the row name (after a full GC).`,
        `**Stored events**: ${count(stored)} events enqueued on SQLite (WAL, synchronous FULL) with retention keeping the
newest ${count(stored / 10)} finished events (default timer, every second); one row per tenth, each drained before the
next, per CPU-second of this process; the file size at the end is in the group description.`,
        `**SSE clients**: the real server (memory store) in a child process on CPU 1 with N clients reading
\`/api/v1/events/stream\`; events/s (CPU) is per CPU-second of the server, so it is the publish cost with N clients.`,
        `**NATS nodes**: node processes on one NatsTransport consumer each (competing consumers), a handler that
waits 2 ms (I/O) with concurrency 1; this process publishes. The rows say how far nodes add throughput on this
2-core machine, where every node, the publisher and the NATS server share the cores.`,
      ],
    }
  },
}
