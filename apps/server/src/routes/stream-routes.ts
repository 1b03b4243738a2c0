import { compilePattern } from '@switchyard/core'
import type { ApiBuilder } from '../openapi/api-builder.js'
import type { EventStreamHub } from './event-stream-hub.js'
import { StreamQuery } from './schemas.js'

/**
 * `GET /api/v1/events/stream?pattern=order.**[&format=cloudevents]`: Server-Sent Events, one `message` per
 * accepted event whose type matches, `id` = event id and `data` = the event as JSON (or, with
 * `format=cloudevents`, as CloudEvents 1.0 JSON), through `hub` (its client limit, its per-client
 * buffer bound). Ends when the client goes away or the server shuts down (`hub.close()`).
 *
 * @example
 * ```ts
 * streamRoutes(api, new EventStreamHub(bus, { maxClients: 1000, maxBufferedBytes: 1 << 20 }))
 * ```
 */
export function streamRoutes(api: ApiBuilder, hub: EventStreamHub): void {
  api.route(
    {
      method: 'get',
      path: '/api/v1/events/stream',
      scope: 'read',
      tag: 'events',
      summary:
        'Server-Sent Events of accepted events, filtered by a subscription pattern (default: all), as Switchyard events or (format=cloudevents) CloudEvents 1.0, with `outcomes=true` each delivery outcome too (`event: delivery`); 503 E_LIMIT_SSE_CLIENTS past limits.sse_clients',
      query: StreamQuery,
      responses: {
        200: {
          description: 'Each message: id = event id, data = the event as JSON (or as a CloudEvent)',
          media: 'text/event-stream',
        },
      },
    },
    (c, { query }) => {
      // A client too far behind is cut off at its socket: no error answer is written into its stream.
      const outgoing = c.env?.outgoing
      const stream = hub.open(compilePattern(query.pattern ?? '**'), outgoing && (() => outgoing.destroy()), {
        outcomes: query.outcomes ?? false,
        format: query.format ?? 'json',
      })
      return new Response(stream, {
        headers: {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          connection: 'keep-alive',
        },
      })
    },
  )
}
