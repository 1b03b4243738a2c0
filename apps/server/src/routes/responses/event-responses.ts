import * as v from 'valibot'

const text = (description: string) => v.pipe(v.string(), v.description(description))
const count = (description: string) => v.pipe(v.number(), v.integer(), v.description(description))

/** An event as the API shows it (`Event` of @switchyard/core). */
export const Event = v.object({
  id: text('Unique id (UUID v7)'),
  type: text('Dot-separated type, e.g. order.status_changed'),
  source: text('Producer'),
  time: text('RFC 3339'),
  data: v.optional(v.unknown()),
  metadata: v.pipe(
    v.looseObject({ idempotencyKey: v.string() }),
    v.description('idempotencyKey, correlationId, causationId, orderingKey and the producer’s own keys'),
  ),
})

/** `200` of `GET /api/v1/events`: stored events, oldest first. */
export const EventPage = v.object({
  events: v.array(Event),
  next: v.optional(text('The `after` of the next page; absent on the last one')),
})

/** `202` of `POST /api/v1/events`. */
export const Accepted = v.object({ id: text('The accepted event’s id') })

/** A serialised delivery error (`DeliveryError`). */
export const DeliveryError = v.object({
  code: text('E_HANDLER, E_TIMEOUT, E_PLUGIN_CRASHED, E_UNROUTED, …'),
  message: v.string(),
  handler: v.string(),
  eventId: v.string(),
  attempt: v.number(),
  cause: v.optional(v.object({ name: v.string(), message: v.string() })),
})

/** The trace and span of one delivery attempt, when tracing is on. */
export const AttemptTrace = v.object({ attempt: v.number(), traceId: v.string(), spanId: v.string() })

const status = text(
  'succeeded, failed, timed_out, skipped_duplicate, dead_lettered, unrouted, rate_limited, debounced (final) or a state still in progress (scheduled, pending, retrying, …)',
)

/** One handler's entry in an event's delivery ledger. */
export const DeliveryRecord = v.object({
  eventId: v.string(),
  handler: v.string(),
  status,
  attempts: count('Attempts made so far'),
  durationMs: v.pipe(v.number(), v.description('Time spent in the handler, rounded to 0.1 ms')),
  error: v.optional(DeliveryError),
  updatedAt: text('RFC 3339'),
  traces: v.optional(v.array(AttemptTrace)),
  dueAt: v.optional(text('RFC 3339: when a delayed event (deliverAt, delayMs) is due')),
})

/** `200` of `GET /api/v1/events/{id}/deliveries`. */
export const EventDeliveries = v.object({ eventId: v.string(), deliveries: v.array(DeliveryRecord) })

/** One handler's outcome (`DeliveryOutcome`), as a dead-letter replay answers it. */
export const DeliveryOutcome = v.object({
  handler: v.string(),
  status,
  attempts: v.number(),
  durationMs: v.number(),
  error: v.optional(DeliveryError),
  trace: v.optional(AttemptTrace),
})

/** `200` of `POST /api/v1/events/explain`. */
export const Explanation = v.object({
  eventId: v.string(),
  type: v.string(),
  handlers: v.array(
    v.object({
      handler: v.string(),
      pattern: v.string(),
      owner: v.optional(text('The plugin that subscribed it')),
      reached: v.boolean(),
      reason: text('Why it is reached or not: pattern, filter, route, selection'),
      flow: v.optional(
        v.pipe(
          v.array(v.string()),
          v.description('Flow control that applies to the event (throttle, rateLimit, debounce, batch, …)'),
        ),
      ),
    }),
  ),
})

/** `200` of `GET /api/v1/events/catalog`. */
export const EventCatalog = v.object({
  events: v.array(
    v.object({
      type: v.string(),
      plugin: v.string(),
      role: v.picklist(['publishes', 'consumes']),
      version: v.string(),
      description: v.optional(v.string()),
      schema: v.pipe(v.record(v.string(), v.unknown()), v.description('JSON Schema of the event’s data')),
    }),
  ),
})

/** A dead letter: the event, the handler that gave up on it and why. */
export const DeadLetter = v.object({
  id: v.string(),
  event: Event,
  handler: v.string(),
  attempts: v.number(),
  error: text('The last error’s message'),
  failedAt: text('RFC 3339'),
})

/** `200` of `GET /api/v1/dead-letters`. */
export const DeadLetterPage = v.object({
  deadLetters: v.array(DeadLetter),
  next: v.pipe(v.nullable(v.string()), v.description('The `after` of the next page; null on the last one')),
})
