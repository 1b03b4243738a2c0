import { standardWebhookKey } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import { canonicalHost } from './target-guard.js'

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))

/**
 * Config of the webhooks plugin: per-attempt timeout, retry schedule, how many deliveries each endpoint's log
 * keeps, how often subscriptions made on other nodes are looked for, and which non-public targets subscriptions
 * may reach (none by default: see `TargetGuard`).
 *
 * @example
 * ```ts
 * v.parse(webhooksConfig, { timeout_ms: 3000, retry: { attempts: 3 }, allowed_hosts: ['hooks.internal'] })
 * ```
 */
export const webhooksConfig = v.object({
  timeout_ms: v.optional(positiveInt, 5_000),
  retry: v.optional(
    v.object({
      attempts: v.optional(positiveInt, 5),
      initial_ms: v.optional(positiveInt, 500),
      max_ms: v.optional(positiveInt, 30_000),
      factor: v.optional(v.pipe(v.number(), v.minValue(1)), 2),
      jitter: v.optional(v.boolean(), true),
    }),
    {},
  ),
  delivery_log_limit: v.optional(positiveInt, 100),
  subscriptions_refresh_ms: v.optional(positiveInt, 1_000),
  allow_private_networks: v.optional(v.boolean(), false),
  allowed_hosts: v.optional(
    v.array(
      v.pipe(
        v.string(),
        v.check(
          (host) => canonicalHost(host) !== undefined,
          'a host name or IP address without scheme, port or path, such as hooks.internal or 10.0.0.5',
        ),
      ),
    ),
    [],
  ),
})

export type WebhooksConfig = v.InferOutput<typeof webhooksConfig>

/**
 * How deliveries are signed: `standard` (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), `switchyard` (the older `Switchyard-Signature` header), or `both`.
 */
export const SIGNATURE_SCHEMES = ['standard', 'switchyard', 'both'] as const
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number]

/** What a delivery's body is: the event as JSON, or a CloudEvent 1.0 (`mode` picks the HTTP binding). */
export const PAYLOAD_FORMATS = ['json', 'cloudevents'] as const
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number]
export const CLOUDEVENT_MODES = ['structured', 'binary'] as const
export type CloudEventMode = (typeof CLOUDEVENT_MODES)[number]

/**
 * The body of `POST /plugins/webhooks/subscriptions`. The secret is write-only: the API never returns it, except
 * once, in the answer that created it, when the plugin generated it (no `secret` given). With a `standard` or
 * `both` signature a given secret must be a Standard Webhooks one (`whsec_` + base64 of 24 to 64 bytes).
 *
 * @example
 * ```ts
 * v.parse(subscriptionInput, { pattern: 'order.**', url: 'https://example.com/hook', format: 'cloudevents' })
 * ```
 */
export const subscriptionInput = v.pipe(
  v.object({
    pattern: v.pipe(v.string(), v.minLength(1, 'expected an event pattern such as order.**')),
    url: v.pipe(
      v.string(),
      v.url('expected an http(s) URL'),
      v.check((url) => /^https?:$/.test(new URL(url).protocol), 'expected an http(s) URL'),
    ),
    secret: v.optional(v.pipe(v.string(), v.minLength(16, 'expected a secret of at least 16 characters'))),
    signature: v.optional(v.picklist(SIGNATURE_SCHEMES), 'standard'),
    format: v.optional(v.picklist(PAYLOAD_FORMATS), 'json'),
    mode: v.optional(v.picklist(CLOUDEVENT_MODES), 'structured'),
    description: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
  v.forward(
    v.check(
      (input) =>
        input.secret === undefined ||
        input.signature === 'switchyard' ||
        standardWebhookKey(input.secret) !== undefined,
      'expected a Standard Webhooks secret: whsec_ followed by the base64 of 24 to 64 bytes (or leave secret out to get one generated)',
    ),
    ['secret'],
  ),
)

export type SubscriptionInput = v.InferOutput<typeof subscriptionInput>
