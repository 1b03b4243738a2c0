import type { Event } from '../event/event.js'
import type { EventQuery } from './store.js'

/**
 * `Store.listEvents` over events in acceptance order: those whose `time` is in the query's window, after the
 * event `after`, at most `limit`. For stores that keep their events in memory or read them all.
 *
 * @example
 * ```ts
 * listEvents(query) { return Promise.resolve(pageEvents(this.#acceptedEvents(), query)) }
 * ```
 */
export function pageEvents(events: Iterable<Event>, query: EventQuery): Event[] {
  const sinceMs = Date.parse(query.since)
  const untilMs = query.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(query.until)
  const limit = query.limit ?? Number.POSITIVE_INFINITY
  let skipping = query.after !== undefined
  const page: Event[] = []
  for (const event of events) {
    if (skipping) {
      skipping = event.id !== query.after
      continue
    }
    const ms = Date.parse(event.time)
    if (ms >= sinceMs && ms < untilMs && page.push(event) >= limit) break
  }
  return page
}
