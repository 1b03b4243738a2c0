import { createHmac, randomBytes } from 'node:crypto'

// The Standard Webhooks specification (standardwebhooks.com): receivers verify these headers with the
// `standardwebhooks` libraries they already use. Shared by every plugin that signs outgoing calls, like
// `signPayload` for the older `Switchyard-Signature` scheme.

/** Prefix of a Standard Webhooks secret: `whsec_` then the base64 of the HMAC key. */
export const STANDARD_SECRET_PREFIX = 'whsec_'

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/**
 * The HMAC key of a Standard Webhooks secret (`whsec_<base64>`, the key 24 to 64 bytes long as the specification
 * recommends); undefined for any other text.
 *
 * @example
 * ```ts
 * standardWebhookKey(generateWebhookSecret())?.length // 32
 * standardWebhookKey('not-a-secret') // undefined
 * ```
 */
export function standardWebhookKey(secret: string): Buffer | undefined {
  if (!secret.startsWith(STANDARD_SECRET_PREFIX)) return undefined
  const encoded = secret.slice(STANDARD_SECRET_PREFIX.length)
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return undefined
  const key = Buffer.from(encoded, 'base64')
  return key.length >= 24 && key.length <= 64 ? key : undefined
}

/**
 * A new Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes.
 *
 * @example
 * ```ts
 * const secret = generateWebhookSecret() // 'whsec_q0lV…'
 * ```
 */
export function generateWebhookSecret(): string {
  return `${STANDARD_SECRET_PREFIX}${randomBytes(32).toString('base64')}`
}

/**
 * The three Standard Webhooks headers of one message: `webhook-id` (the same for every attempt of a message, so
 * receivers can drop repeats), `webhook-timestamp` (unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`). Throws `TypeError` for a secret that is not
 * `whsec_<base64>`.
 *
 * @example
 * ```ts
 * const headers = signStandardWebhook('msg_1', '{"a":1}', generateWebhookSecret())
 * // { 'webhook-id': 'msg_1', 'webhook-timestamp': '1767225600', 'webhook-signature': 'v1,K5oZ…' }
 * ```
 */
export function signStandardWebhook(
  id: string,
  body: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const key = standardWebhookKey(secret)
  if (key === undefined)
    throw new TypeError('a Standard Webhooks secret is whsec_ followed by the base64 of 24 to 64 bytes')
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  }
}
