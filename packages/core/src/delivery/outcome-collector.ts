import { DeadlineGroup } from './deadline-list.js'
import type { DeliveryOutcome } from './delivery.js'

/** Receives the outcomes of several deliveries, each at the position it was given (the handlers of one publish). */
export interface OutcomeSink {
  put(index: number, outcome: DeliveryOutcome): void
  /** The deadlines of the deliveries' first attempts, which start together (see `DeadlineList.trackIn`). */
  readonly deadlines: DeadlineGroup
}

let captured: (() => void) | undefined
/** A promise executor shared by every collector: hands out the resolver without allocating a closure per publish. */
const capture = (resolve: () => void): void => {
  captured = resolve
}

/**
 * The outcomes of one publish to several handlers, each put at the position reserved for it, in subscription
 * order: one array and at most one promise per publish, instead of a promise per handler and `Promise.all`.
 * The promise resolves to nothing (the outcomes are read from `outcomes`): resolving a promise with an object
 * looks its `then` up through the prototype chain, which costs as much as a handler's bookkeeping.
 *
 * @example
 * ```ts
 * const collector = new OutcomeCollector(entries.length)
 * deliverer.directInto(slot, event, start, collector, collector.reserve())
 * const waiting = collector.done()
 * if (waiting !== undefined) await waiting
 * const outcomes = collector.outcomes
 * ```
 */
export class OutcomeCollector implements OutcomeSink {
  readonly outcomes: DeliveryOutcome[]
  readonly deadlines = new DeadlineGroup()
  #reserved = 0
  /** Outcomes still to come, plus one until `done` (so outcomes put during dispatch cannot end it early). */
  #pending = 1
  #resolve: (() => void) | undefined = undefined

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
    if (--this.#pending === 0) this.#resolve?.()
  }

  /** No more reservations: undefined when every outcome is in, else a promise that resolves once they are. */
  done(): Promise<void> | undefined {
    // Setting an array's length is a call into the runtime: only when some handler was left out (not reached).
    if (this.#reserved !== this.outcomes.length) this.outcomes.length = this.#reserved
    if (--this.#pending === 0) return undefined
    const waiting = new Promise<void>(capture)
    this.#resolve = captured
    return waiting
  }
}
