import type { DeliveryOutcome, DeliveryReport } from '../delivery/delivery.js'
import type { DeliveryRecord } from '../store/store.js'
import { isFinalStatus } from './delivery-status.js'

/**
 * How many events are counted at once; past it the oldest is forgotten (its completion reads the ledger). Well
 * above what an in-process transport holds queued (10,000 messages by default), so that in practice only events
 * that never complete (a handler held or gone) are forgotten.
 */
const COUNTED = 100_000

interface Counted {
  handlers: readonly string[]
  outcomes: Map<string, DeliveryOutcome>
}

/**
 * The final ledger records written for the events this process accepted, counted in memory: when every
 * delivery of an event runs in this process (an in-process transport), its report is known when its last
 * final record is written, without reading the ledger back. Only records handed to `written` count, so an event
 * is complete here exactly when its ledger says so.
 *
 * @example
 * ```ts
 * const tally = new EventTally()
 * tally.accepted(event.id, ['audit_log'])
 * tally.written(batch)
 * tally.report(event.id) // { eventId, outcomes } once audit_log's final record was written
 * ```
 */
export class EventTally {
  #events = new Map<string, Counted>()

  /** Counts the deliveries of an event accepted for `handlers`. */
  accepted(eventId: string, handlers: readonly string[]): void {
    this.#events.set(eventId, { handlers, outcomes: new Map() })
    if (this.#events.size > COUNTED) this.#events.delete(this.#events.keys().next().value!)
  }

  /** Counts the final records of a batch just written (the last one of a delivery wins, as in the ledger). */
  written(records: readonly DeliveryRecord[]): void {
    for (const { eventId, handler, status, attempts, durationMs, error } of records) {
      if (!isFinalStatus(status)) continue
      const counted = this.#events.get(eventId)
      if (counted === undefined) continue
      const outcome: DeliveryOutcome = { handler, status, attempts, durationMs }
      if (error !== undefined) outcome.error = error
      counted.outcomes.set(handler, outcome)
    }
  }

  /**
   * The report of an event whose every delivery has its final record written (then forgotten), `'open'` while
   * some have not, or undefined when the event is not counted here.
   */
  report(eventId: string): DeliveryReport | 'open' | undefined {
    const counted = this.#events.get(eventId)
    if (counted === undefined) return undefined
    const outcomes: DeliveryOutcome[] = []
    for (const handler of counted.handlers) {
      const outcome = counted.outcomes.get(handler)
      if (outcome === undefined) return 'open'
      outcomes.push(outcome)
    }
    this.#events.delete(eventId)
    return { eventId, outcomes }
  }
}
