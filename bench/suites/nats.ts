import { NATS_URL } from '@switchyard/transport-nats/testing'
import type { Suite, SuiteContext, SuiteResult } from '../lib/suite.js'
import { findRow, ratioTarget } from '../lib/targets.js'
import { measureE2e } from './nats/measure-e2e.js'
import { busCase, CALLERS, createBenchStream, deleteBenchStream, rawCase } from './nats/nats-cases.js'
import { processCase } from './nats/process-case.js'

const unit = 'events/s'
const raw = 'raw nats.js'
const bus = 'EventBus + NatsTransport'
const busNatsStore = 'EventBus + NatsTransport + NatsStore'
const oneNode = '1 node'
const threeNodes = '3 nodes'

const notes = [
  `**End to end over JetStream**: every row publishes events to one JetStream stream on ${NATS_URL} from
${CALLERS} concurrent publishers (each waits for its JetStream ack before the next) and counts an event when its
handler finished (the ack follows at once). Throughput is one block of events from the first publish to the last
handler; p50/p99 are per event, from its publish to its handler finishing.`,
  `**raw nats.js** is the floor of the stack: \`js.publish\` with a message id, one durable pull consumer read with
\`consume()\`, JSON decoded and \`m.ack()\` per message (fire and forget). **EventBus + NatsTransport** is
\`bus.enqueue\` with one subscribed handler (default policy, concurrency 16) and a MemoryStore: the transport adds the
per-handler durable consumer, the concurrency gate and acks confirmed by the server (double ack). The NatsStore row adds
the shared delivery ledger (KV writes on accept and on each outcome; issue 20's bar: >= 0.6x raw nats.js).`,
  `**Scaling**: a handler that waits 1 ms (I/O) with concurrency 1 per node. Each node is a child process running an
EventBus on its own NatsTransport (its own connection); the nodes share the handler's durable consumer (competing
consumers). This process publishes through an EventBus with no handler. With one event at a time per node, nodes
are what add throughput.`,
  `**Method**: one stream for the run (deleted after), an untimed warm-up block per row, then rounds in which the
rows take turns (order rotated each round); each row is the median of its rounds. No GC is forced between blocks.`,
]

/** Cluster throughput through NatsTransport against raw nats.js, and 1 vs 3 nodes. */
export const natsSuite: Suite = {
  name: 'nats',
  title: 'cluster throughput over NATS JetStream',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const target = await createBenchStream('bench')
    try {
      const throughput = await measureE2e(
        {
          title: 'publish -> handler -> ack, 1 handler, 1 node',
          unit,
          baseline: raw,
          cases: [
            rawCase(raw, target),
            busCase(bus, 'bus', target, { concurrency: 16, store: 'memory' }),
            busCase(busNatsStore, 'bus_store', target, { concurrency: 16, store: 'nats' }),
          ],
          sizes: ctx.quick
            ? { warmup: 500, block: 2_000, rounds: 2 }
            : { warmup: 2_000, block: 20_000, rounds: 3 },
        },
        ctx,
      )
      const scaling = await measureE2e(
        {
          title: 'handler waiting 1 ms, concurrency 1 per node',
          unit,
          baseline: oneNode,
          cases: [
            processCase(oneNode, 'slow_one', target, { nodes: 1, concurrency: 1, handlerMs: 1 }),
            processCase(threeNodes, 'slow_three', target, { nodes: 3, concurrency: 1, handlerMs: 1 }),
          ],
          sizes: ctx.quick ? { warmup: 50, block: 300, rounds: 2 } : { warmup: 200, block: 2_000, rounds: 3 },
        },
        ctx,
      )
      return {
        groups: [throughput, scaling],
        targets: [
          ratioTarget(`${bus} / ${raw}`, findRow(throughput, bus), findRow(throughput, raw), { min: 0.5 }),
          ratioTarget(
            `${busNatsStore} / ${raw}`,
            findRow(throughput, busNatsStore),
            findRow(throughput, raw),
            {
              min: 0.6,
            },
          ),
          ratioTarget(
            '3 nodes / 1 node, 1 ms handler',
            findRow(scaling, threeNodes),
            findRow(scaling, oneNode),
            {
              min: 2,
            },
          ),
        ],
        notes,
      }
    } finally {
      await deleteBenchStream(target)
    }
  },
}
