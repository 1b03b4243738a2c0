import { DeadlineGroup } from './deadline-list.js'
import type { DeliveryOutcome, DeliveryReport } from './delivery.js'

/** Receives the outcomes of several deliveries, each at the position it was given (the handlers of one publish). */
export interface OutcomeSink {
  put(index: number, outcome: DeliveryOutcome): void
  /** The deadlines of the deliveries' first attempts, which start together (see `DeadlineList.trackIn`). */
  readonly deadlines: DeadlineGroup
}

let captured: ((report: DeliveryReport) => void) | undefined
/** A promise executor shared by every collector: hands out the resolver without allocating a closure per publish. */
const capture = (resolve: (report: DeliveryReport) => void): void => {
  captured = resolve
}

/**
 * The outcomes of one publish to several handlers, each put at the position reserved for it, in subscription
 * order: one array and one promise per publish, instead of a promise per handler and `Promise.all`. The
 * promise is the publish's own: it resolves to the report, so that `publish` need not await it in an async
 * function (an await and the async function's own promise cost as much as two handlers' reactions).
 *
 * @example
 * ```ts
 * const collector = new OutcomeCollector(entries.length)
 * deliverer.directInto(slot, event, start, collector, collector.reserve())
 * const report = await collector.report(event.id)
 * ```
 */
export class OutcomeCollector implements OutcomeSink {
  readonly outcomes: DeliveryOutcome[]
  readonly deadlines = new DeadlineGroup()
  #reserved = 0
  /** Outcomes still to come, plus one until `done` (so outcomes put during dispatch cannot end it early). */
  #pending = 1
  #resolve: ((report: DeliveryReport) => void) | undefined = undefined
  #report: DeliveryReport | undefined = undefined

  /** `capacity`: at most this many outcomes will be reserved. */
  constructor(capacity: number) {
    this.outcomes = new Array(capacity)
  }

  /** Reserves the next position. */
  reserve(): number {
    this.#pending++
    return this.#reserved++
  }

  put(index: number, outcome: DeliveryOutcome): void {
    this.outcomes[index] = outcome
    if (--this.#pending === 0) this.#resolve?.(this.#report!)
  }

  /** No more reservations: the report of event `eventId`, once every reserved outcome is in. */
  report(eventId: string): Promise<DeliveryReport> {
    // Setting an array's length is a call into the runtime: only when some handler was left out (not reached).
    if (this.#reserved !== this.outcomes.length) this.outcomes.length = this.#reserved
    const report: DeliveryReport = { eventId, outcomes: this.outcomes }
    if (--this.#pending === 0) return Promise.resolve(report)
    const waiting = new Promise<DeliveryReport>(capture)
    this.#resolve = captured
    this.#report = report
    return waiting
  }
}
