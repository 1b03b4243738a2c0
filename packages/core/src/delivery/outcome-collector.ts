import { DeadlineGroup } from './deadline-list.js'
import type { DeliveryOutcome } from './delivery.js'

/** Receives the outcomes of several deliveries, each at the position it was given (the handlers of one publish). */
export interface OutcomeSink {
  put(index: number, outcome: DeliveryOutcome): void
  /** The deadlines of the deliveries' first attempts, which start together (see `DeadlineList.trackIn`). */
  readonly deadlines: DeadlineGroup
}

/**
 * The outcomes of one publish to several handlers, each put at the position reserved for it, in subscription
 * order: one array and at most one promise per publish, instead of a promise per handler and `Promise.all`.
 *
 * @example
 * ```ts
 * const collector = new OutcomeCollector(entries.length)
 * deliverer.directInto(slot, event, start, collector, collector.reserve())
 * const outcomes = await collector.done()
 * ```
 */
export class OutcomeCollector implements OutcomeSink {
  readonly outcomes: DeliveryOutcome[]
  readonly deadlines = new DeadlineGroup()
  #reserved = 0
  /** Outcomes still to come, plus one until `done` (so outcomes put during dispatch cannot end it early). */
  #pending = 1
  #resolve: ((outcomes: DeliveryOutcome[]) => void) | undefined

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
    if (--this.#pending === 0) this.#resolve?.(this.outcomes)
  }

  /** No more reservations: the outcomes, at once when all are in. */
  done(): DeliveryOutcome[] | Promise<DeliveryOutcome[]> {
    // Setting an array's length is a call into the runtime: only when some handler was left out (not reached).
    if (this.#reserved !== this.outcomes.length) this.outcomes.length = this.#reserved
    if (--this.#pending === 0) return this.outcomes
    return new Promise((resolve) => {
      this.#resolve = resolve
    })
  }
}
