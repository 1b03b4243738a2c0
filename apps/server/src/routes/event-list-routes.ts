import { type CompiledPattern, compilePattern, type Event, InvalidPatternError } from '@switchyard/core'
import { EventsNotKeptError, RequestValidationError } from '../errors.js'
import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { replayMoment } from './replay-window.js'
import { EventPage } from './responses/event-responses.js'
import { EventListQuery } from './schemas.js'

const DEFAULT_SINCE = '24h'
const DEFAULT_LIMIT = 50

/**
 * `GET /api/v1/events` (read scope): the events the Store keeps (`Store.listEvents`), oldest first, in a window
 * (`since` default 24 hours back, `until`), of one type or pattern, paged with `?after=<next>`. 501 when the
 * Store keeps no events.
 *
 * @example
 * ```ts
 * eventListRoutes(api, runtime)
 * ```
 */
export function eventListRoutes(api: ApiBuilder, runtime: ServerRuntime): void {
  api.route(
    {
      method: 'get',
      path: '/api/v1/events',
      scope: 'read',
      tag: 'events',
      summary:
        'Events the store keeps, oldest first: since/until (RFC 3339 or a duration back from now such as 24h; since defaults to 24h), type (an event type or pattern such as order.*), limit (default 50, at most 500); page with ?after=<next>',
      query: EventListQuery,
      responses: {
        200: { description: 'One page of stored events', schema: EventPage },
        501: 'The store keeps no events (E_EVENTS_NOT_KEPT)',
      },
    },
    async (c, { query }) => {
      const list = runtime.store.listEvents
      if (list === undefined)
        throw new EventsNotKeptError('this store keeps no past events; the SQLite and NATS stores do')
      const now = Date.now()
      const since = replayMoment(query.since ?? DEFAULT_SINCE, now, 'query.since')
      const until = query.until === undefined ? undefined : replayMoment(query.until, now, 'query.until')
      const wanted = query.type === undefined ? undefined : typePattern(query.type)
      const limit = query.limit ?? DEFAULT_LIMIT
      const events: Event[] = []
      let after = query.after
      // The store pages by window only; pages are read until `limit` events of the type are found or it runs out.
      for (;;) {
        const page = await list.call(runtime.store, {
          since,
          ...(until === undefined ? {} : { until }),
          ...(after === undefined ? {} : { after }),
          limit,
        })
        for (const event of page) {
          if (wanted !== undefined && !wanted.test(event.type)) continue
          events.push(event)
          if (events.length === limit) return c.json({ events, next: event.id })
        }
        if (page.length < limit) return c.json({ events })
        after = page.at(-1)!.id
      }
    },
  )
}

function typePattern(type: string): CompiledPattern {
  try {
    return compilePattern(type)
  } catch (error) {
    if (error instanceof InvalidPatternError) throw new RequestValidationError(`query.type: ${error.message}`)
    throw error
  }
}
