import { createEvent } from '@switchyard/core'
import { measureGroup } from '../lib/measure.js'
import { measureSync } from '../lib/measure-sync.js'
import type { Suite, SuiteContext, SuiteResult } from '../lib/suite.js'
import { findRow, ratioTarget } from '../lib/targets.js'
import { peerCases } from './core/peers.js'
import { switchyardCase } from './core/switchyard.js'
import type { Topology } from './core/topology.js'

const type = 'order.placed'
const one: Topology = { type, matching: 1, others: 0, idempotent: false }
const ten: Topology = { ...one, matching: 10 }
const wildcardAlone: Topology = { ...one, pattern: 'order.*' }
const thousand: Topology = { ...wildcardAlone, others: 999 }
const idempotent: Topology = { ...one, idempotent: true }

const unit = 'events/s'
const baseline = 'bare loop'
const wildcardAloneRow = 'switchyard, order.* alone'

const notes = [
  `One operation is one event published and **every reached handler's promise settled**, then the next event:
sequential, so the p50/p99 columns are the latency of one publish. Every implementation calls the same kind of
async handler (it increments a counter and resolves); the harness checks after each round that the handlers ran
exactly once per event per matching subscription.`,
  `**Switchyard**: the real \`EventBus\` from \`@switchyard/core\` (dist) with its default MemoryStore,
InProcessTransport and delivery policy (5 s timeout, retries, concurrency 16); subscriptions use
\`idempotent: false\` except in the idempotency group; one operation is \`await bus.publish(event)\`.
**bare loop**: \`await Promise.all(handlers.map((h) => h(e)))\` over the matching handlers.
**node:events** and **mitt** drop listener return values, so their listeners push the handler's promise into
an array that is awaited with \`Promise.all\` after \`emit\`; **EventEmitter2** uses \`emitAsync\` and
**emittery** \`await emit()\`, which both await listeners themselves.`,
  `**What is timed**: publish/emit only. The published objects are made before each timed block for every
implementation: \`createEvent\` (UUID v7, validation, deep freeze) for Switchyard, a plain object with the same
fields for the peers. The cost of making them is shown separately in the last table; add it to Switchyard's
figures for the cost of \`bus.publish(createEvent(...))\`.`,
  `**1,000 subscriptions**: 999 exact subscriptions \`order.other_<n>\` plus one \`order.*\`; the event
\`order.placed\` matches only \`order.*\`. EventEmitter2 (with \`wildcard: true\`) subscribes \`order.*\` too; the
bare loop, node:events, mitt and emittery cannot match patterns, so they listen on \`order.placed\` exactly
among 999 other names. The target compares this to Switchyard with \`order.*\` as its only subscription.`,
  `**Idempotency**: Switchyard checks and records (idempotencyKey, handler) in its MemoryStore (100,000 records
by default), every event has a new key. Peers have no idempotency, so their handlers are wrapped in the least
equivalent work: a check and an insert in a bounded in-memory Set per handler. The rows of a group share one
process heap, and these tables (hundreds of thousands of fresh string keys) make every row of this group
slower than the same code in the other groups (the \`idempotent: false\` row is the first group's Switchyard
row): compare rows within a group, not across groups.`,
  `**Method**: warm-up, then 6 rounds in which the cases of a group take turns (order rotated each round);
a round times a block of up to 100,000 events (about 150 ms) for throughput, then up to 10,000 events one by
one with \`process.hrtime\` for p50/p99 (so the clock's own cost, about 0.1-0.2 µs, is in the latency but not
in the throughput). Each row is the median of its rounds; inputs are dropped after each round so the heap
stays small, and no GC is forced (after a forced full GC the young generation shrinks and the next block pays
for it, most of all the cases that allocate most).
Throughput is given per **CPU-second** of this process (\`process.cpuUsage\`, GC threads included) and per
wall-clock second; ratios and targets use the CPU figure because the machine is shared (see the load average
in the header line): other processes taking the CPU change the wall-clock figure from run to run by up to 2x,
the CPU figure by a few percent.`,
]

/** The event bus against its peers: throughput and latency of publish for the four issue scenarios. */
export const coreSuite: Suite = {
  name: 'core',
  title: 'event bus dispatch vs peers',
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const single = await measureGroup(
      {
        title: 'Publish to 1 async handler',
        unit,
        baseline,
        cases: [switchyardCase('switchyard', one), ...peerCases(one)],
      },
      ctx,
    )
    const fanOut = await measureGroup(
      {
        title: 'Publish to 10 async handlers',
        unit,
        baseline,
        cases: [switchyardCase('switchyard', ten), ...peerCases(ten)],
      },
      ctx,
    )
    const many = await measureGroup(
      {
        title: 'Wildcard subscriber among 1,000 subscriptions',
        unit,
        baseline,
        cases: [
          switchyardCase('switchyard', thousand),
          switchyardCase(wildcardAloneRow, wildcardAlone),
          ...peerCases(thousand),
        ],
      },
      ctx,
    )
    const deduped = await measureGroup(
      {
        title: 'Idempotency on (1 handler, a new key per event)',
        unit,
        baseline,
        cases: [
          switchyardCase('switchyard', idempotent),
          switchyardCase('switchyard, idempotent: false', one),
          ...peerCases(idempotent),
        ],
      },
      ctx,
    )
    const creation = {
      title: 'Making the published object (not included above)',
      unit: 'objects/s',
      baseline: 'plain object',
      rows: [
        measureSync('plain object', (n) => ({
          id: `p-${n}`,
          type,
          data: { n },
          metadata: { idempotencyKey: `p-${n}` },
        })),
        measureSync('createEvent', (n) => createEvent(type, { n })),
      ],
    }
    const switchyard = findRow(single, 'switchyard')
    return {
      groups: [single, fanOut, many, deduped, creation],
      targets: [
        ratioTarget('publish to 1 handler: switchyard / bare loop', switchyard, findRow(single, baseline), {
          min: 1 / 3,
        }),
        ratioTarget('publish to 1 handler: switchyard / emittery', switchyard, findRow(single, 'emittery'), {
          min: 2,
        }),
        ratioTarget(
          'cost of order.* among 1,000 subscriptions / alone',
          findRow(many, wildcardAloneRow),
          findRow(many, 'switchyard'),
          { max: 2 },
        ),
      ],
      notes,
    }
  },
}
