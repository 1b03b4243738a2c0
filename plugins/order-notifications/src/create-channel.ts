import type { Logger } from '@switchyard/core'
import { sendWebhook } from '@switchyard/plugin-webhooks'
import type { OrderNotificationsConfig } from './config.js'
import { NotificationDeliveryError } from './errors.js'
import type { NotificationSent } from './notification-sent.js'

/** Sends one notification; rejects when the channel did not take it. */
export type Channel = (notification: NotificationSent) => Promise<void>

/**
 * The configured channel: `log` writes the notification to the plugin's logger; `webhook` POSTs it as JSON,
 * signed and retried by `sendWebhook` of `@switchyard/plugin-webhooks`.
 *
 * @example
 * ```ts
 * const send = createChannel(ctx.config, ctx.logger)
 * await send(notification)
 * ```
 */
export function createChannel(config: OrderNotificationsConfig, logger: Logger): Channel {
  const webhook = config.webhook
  if (config.channel === 'log' || webhook === undefined) {
    return async (notification) => logger.info({ notification }, notification.message)
  }
  return async (notification) => {
    const result = await sendWebhook(
      { url: webhook.url, secret: webhook.secret, body: JSON.stringify(notification) },
      {
        timeoutMs: webhook.timeout_ms,
        retry: { attempts: webhook.attempts, initialMs: 200, maxMs: 5_000, factor: 2, jitter: true },
      },
    )
    if (result.status !== 'delivered') {
      const last = result.attempts.at(-1)
      throw new NotificationDeliveryError(webhook.url, last?.error ?? `answered HTTP ${last?.status}`)
    }
  }
}
