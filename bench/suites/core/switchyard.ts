import { createEvent, type DeliveryReport, type Event, EventBus } from '@switchyard/core'
import type { BenchCase } from '../../lib/measure.js'
import { createWork, otherType, type Topology } from './topology.js'

/**
 * The real `EventBus` (default MemoryStore and InProcessTransport, default delivery policy) set up with
 * `topology`. One operation is `await bus.publish(event)` of an event made beforehand by `createEvent`.
 *
 * @example
 * ```ts
 * const row = switchyardCase('switchyard', { type: 'order.placed', matching: 1, others: 0, idempotent: false })
 * ```
 */
export function switchyardCase(name: string, topology: Topology): BenchCase {
  return {
    name,
    async setup() {
      const work = createWork()
      const bus = new EventBus()
      for (let k = 0; k < topology.others; k++) {
        bus.subscribe(otherType(k), work.newHandler(), { name: `other_${k}`, idempotent: false })
      }
      for (let k = 0; k < topology.matching; k++) {
        bus.subscribe(topology.pattern ?? topology.type, work.newHandler(), {
          name: `handler_${k}`,
          idempotent: topology.idempotent,
          ...topology.flow,
        })
      }
      await checkDelivery(bus, topology)
      let events: Event[] = []
      return {
        prepare(count) {
          events = Array.from({ length: count }, (_, n) => createEvent(topology.type, { n }))
        },
        run: (i) => bus.publish(events[i]!),
        calls: work.calls,
        callsPerOp: topology.matching,
        teardown: () => bus.close(),
      }
    },
  }
}

/** Fails the run unless an event reaches exactly the matching handlers and, with idempotency, a repeat is skipped. */
async function checkDelivery(bus: EventBus, topology: Topology): Promise<void> {
  const event = createEvent(topology.type, { n: -1 })
  expectStatuses(await bus.publish(event), topology.matching, 'succeeded')
  if (topology.idempotent) expectStatuses(await bus.publish(event), topology.matching, 'skipped_duplicate')
}

function expectStatuses(report: DeliveryReport, count: number, status: string): void {
  const statuses = report.outcomes.map((outcome) => outcome.status)
  if (statuses.length !== count || statuses.some((s) => s !== status)) {
    throw new Error(`expected ${count} outcomes ${status}, got ${JSON.stringify(report.outcomes)}`)
  }
}
