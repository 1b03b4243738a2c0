import type { IncomingHttpHeaders } from 'node:http'
import { Webhook } from 'standardwebhooks'
import type { SignatureCheck } from '../testing/start-webhook-receiver.js'

/**
 * A receiver's check with the `standardwebhooks` package, as a receiver of Standard Webhooks verifies: the
 * `webhook-*` headers against the raw body and the `whsec_` secret.
 *
 * @example
 * ```ts
 * const hook = await startWebhookReceiver(standardWebhooksCheck(secret))
 * ```
 */
export function standardWebhooksCheck(secret: string): SignatureCheck {
  const webhook = new Webhook(secret)
  return (headers: IncomingHttpHeaders, body: string) => {
    try {
      webhook.verify(body, headers as Record<string, string>)
      return true
    } catch {
      return false
    }
  }
}
