import { NotFoundError } from '@switchyard/core'
import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { EVENT_MEDIA, readEvent } from './read-event.js'
import {
  Accepted,
  AttemptTrace,
  DeliveryError,
  DeliveryRecord,
  Event,
  EventCatalog,
  EventDeliveries,
  Explanation,
} from './responses/event-responses.js'

/**
 * `POST /api/v1/events` (publish: plain JSON or CloudEvents), `POST /api/v1/events/explain` (dry run),
 * `GET /api/v1/events/{id}/deliveries` (the ledger of one event) and `GET /api/v1/events/catalog`.
 *
 * @example
 * ```ts
 * eventRoutes(api, runtime)
 * ```
 */
export function eventRoutes(api: ApiBuilder, runtime: ServerRuntime): void {
  api.schemas({ Event, DeliveryError, AttemptTrace, DeliveryRecord })
  api.route(
    {
      method: 'post',
      path: '/api/v1/events',
      scope: 'publish',
      tag: 'events',
      summary:
        'Publish an event (plain JSON, or a CloudEvent in structured or binary mode); 202 once accepted',
      media: EVENT_MEDIA,
      responses: {
        202: { description: 'Accepted; dispatched in the background', schema: Accepted },
        415: 'Unsupported content type',
        422: 'Rejected by event.before_publish or the event catalog',
      },
    },
    async (c, { text }) => {
      const { id } = await runtime.bus.enqueue(readEvent(c.req.header(), text, runtime.bus.limits))
      return c.json({ id }, 202)
    },
  )

  api.route(
    {
      method: 'post',
      path: '/api/v1/events/explain',
      scope: 'read',
      tag: 'events',
      summary: 'Dry run: which handlers an event would reach and why (patterns, filters, routes, selection)',
      media: EVENT_MEDIA,
      responses: {
        200: { description: 'Each subscribed handler: reached or not, and why', schema: Explanation },
      },
    },
    (c, { text }) => c.json(runtime.bus.explain(readEvent(c.req.header(), text, runtime.bus.limits))),
  )

  api.route(
    {
      method: 'get',
      path: '/api/v1/events/:id/deliveries',
      scope: 'read',
      tag: 'events',
      summary:
        'The delivery ledger of one event: status, attempts and last error per handler, and the trace and span id of each attempt when tracing is on',
      responses: {
        200: {
          description:
            'Each handler’s entry: error is the serialised last error; traces the trace and span of each attempt when tracing is on',
          schema: EventDeliveries,
        },
        404: 'Unknown event',
      },
    },
    async (c) => {
      const eventId = c.req.param('id')!
      const deliveries = await runtime.store.deliveries(eventId)
      if (deliveries.length === 0) throw new NotFoundError(`event "${eventId}" (no delivery recorded)`)
      return c.json({ eventId, deliveries })
    },
  )

  api.route(
    {
      method: 'get',
      path: '/api/v1/events/catalog',
      scope: 'read',
      tag: 'events',
      summary: 'The event catalog: event types plugins declare they publish or consume, as JSON Schema',
      responses: { 200: { description: 'The declared event types', schema: EventCatalog } },
    },
    (c) => c.json(runtime.catalog()),
  )
}
