import * as v from 'valibot'

/**
 * `POST /api/v1/events` and `/explain` with `Content-Type: application/json`. The type's format and the
 * metadata rules are checked by `createEvent` (400 `E_EVENT_VALIDATION`); `deliverAt` or `delayMs` delays the
 * delivery (kept as `metadata.deliverAt`).
 *
 * @example
 * ```ts
 * v.parse(PlainEventBody, { type: 'order.status_changed', data: { status: 'shipped' } })
 * ```
 */
export const PlainEventBody = v.strictObject({
  type: v.pipe(
    v.string(),
    v.nonEmpty(),
    v.description('Dot-separated event type, e.g. order.status_changed'),
  ),
  data: v.optional(v.unknown()),
  source: v.optional(v.pipe(v.string(), v.nonEmpty())),
  metadata: v.optional(
    v.pipe(
      v.record(v.string(), v.unknown()),
      v.description('idempotencyKey, correlationId, causationId, orderingKey and your own keys'),
    ),
  ),
  deliverAt: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'Deliver at this RFC 3339 date-time (e.g. 2026-12-24T18:00:00Z) instead of now; at most 7 days in the past',
      ),
    ),
  ),
  delayMs: v.optional(
    v.pipe(v.number(), v.description('Deliver this many milliseconds from now (an integer >= 0)')),
  ),
})

/**
 * A CloudEvents 1.0 event in structured mode (`Content-Type: application/cloudevents+json`); extension
 * attributes are kept.
 *
 * @example
 * ```ts
 * v.parse(CloudEventBody, { specversion: '1.0', id: '1', source: '/shop', type: 'order.created', data: {} })
 * ```
 */
export const CloudEventBody = v.looseObject({
  specversion: v.literal('1.0'),
  id: v.pipe(v.string(), v.nonEmpty()),
  source: v.pipe(v.string(), v.nonEmpty()),
  type: v.pipe(v.string(), v.nonEmpty()),
  time: v.optional(v.string()),
  datacontenttype: v.optional(v.string()),
  data: v.optional(v.unknown()),
})

const Limit = v.pipe(
  v.string(),
  v.regex(/^[1-9]\d{0,3}$/, 'expected an integer from 1 to 1000'),
  v.transform(Number),
  v.maxValue(1000),
)

/** A query parameter holding an integer from 1 to `max` (at most three digits), as a number. */
const integerUpTo = (max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^[1-9]\d{0,2}$/, `expected an integer from 1 to ${max}`),
    v.transform(Number),
    v.maxValue(max, `expected an integer from 1 to ${max}`),
  )

/**
 * Query of `GET /api/v1/events`: a window (`since`, `until`: RFC 3339 or a duration back from now, read by
 * `replayMoment`), an event type or pattern, the last id of the previous page and a page size up to 500.
 *
 * @example
 * ```ts
 * v.parse(EventListQuery, { since: '24h', type: 'order.*', limit: '50' })
 * ```
 */
export const EventListQuery = v.object({
  since: v.optional(v.string()),
  until: v.optional(v.string()),
  type: v.optional(v.pipe(v.string(), v.nonEmpty())),
  after: v.optional(v.pipe(v.string(), v.nonEmpty())),
  limit: v.optional(integerUpTo(500)),
})

/**
 * Query of `GET /api/v1/dead-letters`: oldest first, `after` is the last id of the previous page.
 *
 * @example
 * ```ts
 * v.parse(DeadLetterQuery, { handler: 'audit_log', limit: '50' }) // { handler: 'audit_log', limit: 50 }
 * ```
 */
export const DeadLetterQuery = v.object({
  handler: v.optional(v.string()),
  after: v.optional(v.string()),
  limit: v.optional(Limit),
})

// A query flag: `true` or `false`, as text.
const booleanText = v.optional(
  v.pipe(
    v.picklist(['true', 'false'], 'expected true or false'),
    v.transform((value) => value === 'true'),
  ),
)

const Time = v.pipe(
  v.string(),
  v.check((text) => /^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text)), 'an RFC 3339 time'),
)

/**
 * Query of `GET /api/v1/audit`: a time range (`from` inclusive, `to` exclusive, RFC 3339), a token name, text the
 * action contains, and the page (`after` the last id, `limit` 1-1000).
 *
 * @example
 * ```ts
 * v.parse(AuditListQuery, { token: 'ops', action: 'install', limit: '50' })
 * ```
 */
export const AuditListQuery = v.object({
  from: v.optional(Time),
  to: v.optional(Time),
  token: v.optional(v.pipe(v.string(), v.nonEmpty())),
  action: v.optional(v.pipe(v.string(), v.nonEmpty())),
  after: v.optional(v.string()),
  limit: v.optional(Limit),
})

/**
 * Query of `GET /api/v1/events/stream`: a subscription pattern (`order.*`, `order.**`), all events by default;
 * `format`: `json` (the Switchyard event, default) or `cloudevents` (CloudEvents 1.0 JSON).
 *
 * @example
 * ```ts
 * v.parse(StreamQuery, { pattern: 'order.**', format: 'cloudevents' })
 * ```
 */
export const StreamQuery = v.object({
  pattern: v.optional(v.pipe(v.string(), v.nonEmpty())),
  /** `true`: delivery outcomes too, as `event: delivery` messages. */
  outcomes: booleanText,
  format: v.optional(v.picklist(['json', 'cloudevents'])),
})

/**
 * Query of `DELETE /api/v1/plugins/uninstall/{name}`: `force=true` uninstalls even while other plugins depend
 * on it (they are disabled); `purge=true` deletes its SQL data (`ctx.db`), which is kept otherwise.
 *
 * @example
 * ```ts
 * v.parse(UninstallQuery, { force: 'true' }) // { force: true }
 * ```
 */
export const UninstallQuery = v.object({
  force: booleanText,
  purge: booleanText,
})

/**
 * Body of `POST /api/v1/events/plugins/{name}/load`: the plugin folder (or single-file plugin) to load, relative
 * to the server's working directory; optional for a plugin the server knows (it is reloaded in place).
 *
 * @example
 * ```ts
 * v.parse(LoadPluginBody, { path: 'plugins/order-metrics' })
 * ```
 */
export const LoadPluginBody = v.object({
  path: v.optional(v.pipe(v.string(), v.nonEmpty())),
})

/**
 * Body of `POST /api/v1/session`: the token to sign in with.
 *
 * @example
 * ```ts
 * v.parse(SessionBody, { token: process.env.SWITCHYARD_TOKEN })
 * ```
 */
export const SessionBody = v.object({
  token: v.pipe(v.string(), v.nonEmpty('the token is empty'), v.maxLength(4096)),
})

/**
 * Query of `GET /api/v1/stats`: how many seconds back, 1 to 900 (the default).
 *
 * @example
 * ```ts
 * v.parse(StatsQuery, { seconds: '60' }) // { seconds: 60 }
 * ```
 */
export const StatsQuery = v.object({
  seconds: v.optional(integerUpTo(900)),
})
