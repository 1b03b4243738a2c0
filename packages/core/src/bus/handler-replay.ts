import type { DeliveryOutcome, DeliveryStatus } from '../delivery/delivery.js'
import { ConfigError, EventValidationError, NotFoundError } from '../errors.js'
import type { Event } from '../event/event.js'
import { compilePattern } from '../pattern/pattern.js'
import type { BusParts } from './bus-parts.js'

/** Events read from the Store per page of a replay. */
const PAGE = 500

/**
 * What `EventBus.replayHandler` runs again.
 *
 * @example
 * ```ts
 * const options: HandlerReplayOptions = { since: '2026-12-06T00:00:00Z', type: 'order.*', bypassIdempotency: true }
 * ```
 */
export interface HandlerReplayOptions {
  /** RFC 3339: events whose `time` is at or after this. */
  since: string
  /** RFC 3339: events whose `time` is before this; default now. */
  until?: string
  /** Only events of this type or pattern (`*`, `**`), within the handler's own pattern. */
  type?: string
  /**
   * Runs the handler even for events whose idempotencyKey it already handled (for this replay only). Without
   * it, those end `skipped_duplicate`: a replay to a new handler runs everything, one to an old one only what
   * it missed.
   */
  bypassIdempotency?: boolean
  /** Called after each event, in order of completion. */
  onProgress?: (progress: HandlerReplayProgress) => void
  /** Stops the replay between events. */
  signal?: AbortSignal
}

/** One event of a replay done. */
export interface HandlerReplayProgress {
  eventId: string
  type: string
  status: DeliveryStatus
  /** Events done so far, this one included. */
  done: number
}

/** What a replay did: how many events ran, by final status. */
export interface HandlerReplaySummary {
  handler: string
  since: string
  until: string
  replayed: number
  statuses: Partial<Record<DeliveryStatus, number>>
}

/**
 * `EventBus.replayHandler`: runs the stored events of a time window (within the Store's retention) through one
 * handler again, oldest first, as many at once as its concurrency allows, with its retries and without dead
 * letters. Throws `NotFoundError` for a handler nobody subscribes, `EventValidationError` naming `since`,
 * `until` or `type`, and `ConfigError` when the Store keeps no events (`listEvents`).
 *
 * @example
 * ```ts
 * const summary = await replayHandler(parts, 'search_indexer', { since: '2026-12-06T00:00:00Z' })
 * ```
 */
export async function replayHandler(
  deps: Pick<BusParts, 'store' | 'slots' | 'deliverer'>,
  handler: string,
  options: HandlerReplayOptions,
): Promise<HandlerReplaySummary> {
  const slot = deps.slots.get(handler)
  const entry = slot?.entry
  if (slot === undefined || entry === undefined) throw new NotFoundError(`handler ${handler}`)
  const list = deps.store.listEvents
  if (list === undefined) throw new ConfigError('replay: this store keeps no events to replay')
  const { since, until } = replayWindow(options)
  const wanted = [compilePattern(entry.pattern)]
  if (options.type !== undefined) wanted.push(typePattern(options.type))
  const summary: HandlerReplaySummary = { handler, since, until, replayed: 0, statuses: {} }
  const ran = (event: Event, outcome: DeliveryOutcome): void => {
    summary.replayed++
    summary.statuses[outcome.status] = (summary.statuses[outcome.status] ?? 0) + 1
    options.onProgress?.({
      eventId: event.id,
      type: event.type,
      status: outcome.status,
      done: summary.replayed,
    })
  }
  let after: string | undefined
  for (;;) {
    const page = await list.call(deps.store, {
      since,
      until,
      limit: PAGE,
      ...(after === undefined ? {} : { after }),
    })
    const events = page.filter((event) => wanted.every((pattern) => pattern.test(event.type)))
    // The handler's gates bound how many run at once; a page at a time bounds what waits in memory.
    await Promise.all(
      events.map(async (event) => {
        if (options.signal?.aborted) return
        ran(event, await deps.deliverer.replay(slot, event, options.bypassIdempotency === true))
      }),
    )
    if (page.length < PAGE || options.signal?.aborted) return summary
    after = page.at(-1)!.id
  }
}

/** The window as RFC 3339 strings; `until` defaults to now. */
function replayWindow(options: HandlerReplayOptions): { since: string; until: string } {
  const sinceMs = Date.parse(options.since)
  if (Number.isNaN(sinceMs))
    throw new EventValidationError(
      `since: expected an RFC 3339 date-time, got ${JSON.stringify(options.since)}`,
    )
  const untilMs = options.until === undefined ? Date.now() : Date.parse(options.until)
  if (Number.isNaN(untilMs))
    throw new EventValidationError(
      `until: expected an RFC 3339 date-time, got ${JSON.stringify(options.until)}`,
    )
  if (untilMs <= sinceMs)
    throw new EventValidationError(
      `until: expected a moment after since (${new Date(sinceMs).toISOString()})`,
    )
  return { since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString() }
}

function typePattern(type: string) {
  try {
    return compilePattern(type)
  } catch (error) {
    throw new EventValidationError(`type: ${(error as Error).message}`)
  }
}
