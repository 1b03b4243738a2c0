import { secret } from '@switchyard/plugin-sdk'
import * as v from 'valibot'

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))
const address = v.pipe(v.string(), v.email('an e-mail address such as orders@example.com'))

/** The SMTP server and envelope of the `email` channel; `pass` is a `secret()`, never shown or logged. */
const emailConfig = v.object({
  host: v.pipe(v.string(), v.nonEmpty('an SMTP host name or address')),
  port: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65_535, 'a port from 1 to 65535')),
    587,
  ),
  /** true: TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when the server offers it. */
  secure: v.optional(v.boolean(), false),
  from: address,
  to: v.pipe(v.array(address), v.minLength(1, 'at least one recipient')),
  user: v.optional(v.string()),
  pass: v.optional(secret()),
  subject: v.optional(v.pipe(v.string(), v.minLength(1)), 'Order {{orderId}}: {{status}}'),
  timeout_ms: v.optional(positiveInt, 10_000),
  attempts: v.optional(positiveInt, 3),
})
const dotPath = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'a dot path such as data.status'),
)

/**
 * Config of the order-notifications plugin: the channel, the per-status templates (`*` for any other status),
 * where the status and order id are in the event, the webhook endpoint when the channel is `webhook`, and the
 * SMTP server and addresses when it is `email`. Secrets (`webhook.secret`, `email.pass`) are `secret()` fields.
 *
 * @example
 * ```ts
 * v.parse(orderNotificationsConfig, { channel: 'log', templates: { shipped: 'Order {{data.orderId}} shipped' } })
 * ```
 */
export const orderNotificationsConfig = v.pipe(
  v.object({
    channel: v.optional(v.picklist(['log', 'webhook', 'email']), 'log'),
    templates: v.optional(v.record(v.string(), v.pipe(v.string(), v.minLength(1))), {}),
    status_key: v.optional(dotPath, 'data.status'),
    order_key: v.optional(dotPath, 'data.orderId'),
    fallback_handler: v.optional(v.boolean(), false),
    webhook: v.optional(
      v.object({
        url: v.pipe(v.string(), v.url('expected an http(s) URL')),
        secret: secret(v.pipe(v.string(), v.minLength(16, 'expected a secret of at least 16 characters'))),
        timeout_ms: v.optional(positiveInt, 5_000),
        attempts: v.optional(positiveInt, 3),
      }),
    ),
    email: v.optional(emailConfig),
  }),
  v.forward(
    v.check(
      (config) => config.channel !== 'webhook' || config.webhook !== undefined,
      'a webhook { url, secret } when channel is webhook',
    ),
    ['webhook'],
  ),
  v.forward(
    v.check(
      (config) => config.channel !== 'email' || config.email !== undefined,
      'an email { host, from, to } when channel is email',
    ),
    ['email'],
  ),
  v.forward(
    v.check(
      (config) => config.email?.pass === undefined || config.email.user !== undefined,
      'a user name to go with email.pass',
    ),
    ['email', 'user'],
  ),
)

export type OrderNotificationsConfig = v.InferOutput<typeof orderNotificationsConfig>

/** The template used for a status that has none of its own, unless the config gives a `*` template. */
export const DEFAULT_TEMPLATE = 'Order {{data.orderId}} is now {{data.status}}'
