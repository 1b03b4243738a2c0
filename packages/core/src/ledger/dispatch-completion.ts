import type { DeliveryOutcome, DeliveryReport } from '../delivery/delivery.js'
import type { Event } from '../event/event.js'
import type { Logger } from '../logger.js'
import type { DeliveryRecord, Store } from '../store/store.js'
import { isFinalStatus } from './delivery-status.js'
import { EventTally } from './event-tally.js'

/** How many reported event ids are remembered, so a late duplicate record does not report an event twice. */
const REMEMBERED = 10_000

/**
 * Tells when an enqueued event is done: after a ledger batch is in the Store, each event that got a final record
 * in it is looked up, and once every handler of the event is final, `report` runs with the `DeliveryReport`
 * made of its ledger (the bus runs `event.after_dispatch` with it). Reading the shared ledger rather than
 * counting in memory makes it work for events resumed after a restart and for handlers that ran on other nodes;
 * on a cluster two nodes finishing an event's last handlers at the same moment may both report it. With
 * `countsLocally` (every delivery runs in this process: an in-process transport), the events accepted here
 * (`accepted`) are counted from the records as they are written instead (see `EventTally`), and only the others
 * are read back.
 *
 * @example
 * ```ts
 * const completion = new DispatchCompletion(store, logger, (event, report) => registry.runAction(point, { event, report }), true)
 * const recorder = new DeliveryRecorder({ ...deps, onWritten: (finished) => completion.written(finished) })
 * ```
 */
export class DispatchCompletion {
  #store: Store
  #logger: Logger
  #run: (event: Event, report: DeliveryReport) => Promise<void>
  #reported = new Set<string>()
  #running = new Set<Promise<void>>()
  #tally: EventTally | undefined

  constructor(
    store: Store,
    logger: Logger,
    run: (event: Event, report: DeliveryReport) => Promise<void>,
    countsLocally = false,
  ) {
    this.#store = store
    this.#logger = logger
    this.#run = run
    if (countsLocally) this.#tally = new EventTally()
  }

  /** An event was accepted for `handlers` (not called when nobody wants reports). */
  accepted(event: Event, handlers: readonly string[]): void {
    this.#tally?.accepted(event.id, handlers)
  }

  /** No report is running. */
  get idle(): boolean {
    return this.#running.size === 0
  }

  /**
   * Checks the events that got a final record in a batch just written (`records`); reports those now complete.
   */
  async written(finished: ReadonlyMap<string, Event>, records: readonly DeliveryRecord[]): Promise<void> {
    const tally = this.#tally
    if (tally === undefined) return this.#readBack(finished.values())
    tally.written(records)
    const unknown: Event[] = []
    for (const event of finished.values()) {
      const counted = tally.report(event.id)
      if (counted === undefined) unknown.push(event)
      else if (counted !== 'open') this.report(event, counted)
    }
    if (unknown.length > 0) await this.#readBack(unknown)
  }

  /** Reads the ledger of each event back; reports those now complete. */
  async #readBack(events: Iterable<Event>): Promise<void> {
    await Promise.all(
      [...events].map(async (event) => {
        if (this.#reported.has(event.id)) return
        try {
          const outcomes: DeliveryOutcome[] = []
          for (const { handler, status, attempts, durationMs, error } of await this.#store.deliveries(
            event.id,
          )) {
            if (!isFinalStatus(status)) return
            outcomes.push({
              handler,
              status,
              attempts,
              durationMs,
              ...(error === undefined ? {} : { error }),
            })
          }
          if (outcomes.length === 0) return
          this.report(event, { eventId: event.id, outcomes })
        } catch (error) {
          this.#logger.error(
            { err: error, eventId: event.id },
            'could not read the ledger of a finished event',
          )
        }
      }),
    )
  }

  /** Reports an event once (in the background; `settled` waits for it). */
  report(event: Event, report: DeliveryReport): void {
    if (this.#reported.has(event.id)) return
    this.#reported.add(event.id)
    if (this.#reported.size > REMEMBERED) this.#reported.delete(this.#reported.values().next().value!)
    const running: Promise<void> = this.#run(event, report).finally(() => this.#running.delete(running))
    this.#running.add(running)
  }

  /** Resolves when no report is running. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running)
  }
}
