import * as v from 'valibot'

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))
const dotPath = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'a dot path such as data.status'),
)

/**
 * Config of the order-notifications plugin: the channel, the per-status templates (`*` for any other status),
 * where the status and order id are in the event, and the webhook endpoint when the channel is `webhook`.
 *
 * @example
 * ```ts
 * v.parse(orderNotificationsConfig, { channel: 'log', templates: { shipped: 'Order {{data.orderId}} shipped' } })
 * ```
 */
export const orderNotificationsConfig = v.pipe(
  v.object({
    channel: v.optional(v.picklist(['log', 'webhook']), 'log'),
    templates: v.optional(v.record(v.string(), v.pipe(v.string(), v.minLength(1))), {}),
    status_key: v.optional(dotPath, 'data.status'),
    order_key: v.optional(dotPath, 'data.orderId'),
    fallback_handler: v.optional(v.boolean(), false),
    webhook: v.optional(
      v.object({
        url: v.pipe(v.string(), v.url('expected an http(s) URL')),
        secret: v.pipe(v.string(), v.minLength(16, 'expected a secret of at least 16 characters')),
        timeout_ms: v.optional(positiveInt, 5_000),
        attempts: v.optional(positiveInt, 3),
      }),
    ),
  }),
  v.forward(
    v.check(
      (config) => config.channel !== 'webhook' || config.webhook !== undefined,
      'a webhook { url, secret } when channel is webhook',
    ),
    ['webhook'],
  ),
)

export type OrderNotificationsConfig = v.InferOutput<typeof orderNotificationsConfig>

/** The template used for a status that has none of its own, unless the config gives a `*` template. */
export const DEFAULT_TEMPLATE = 'Order {{data.orderId}} is now {{data.status}}'
