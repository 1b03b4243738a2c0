import { type Logger, SIGNATURE_HEADER, signPayload } from '@switchyard/plugin-sdk'
import type { OrderNotificationsConfig } from './config.js'
import { NotificationDeliveryError } from './errors.js'
import type { NotificationSent } from './notification-sent.js'

/**
 * Sends one notification; rejects when the channel did not take it. `signal` ends a send early. A channel that is
 * done when it returns (the log) returns nothing: the handler then awaits no promise for it.
 */
export type Channel = (notification: NotificationSent, signal?: AbortSignal) => Promise<void> | undefined

/**
 * The configured channel: `log` writes the notification to the plugin's logger; `webhook` POSTs it as JSON,
 * signed with the `Switchyard-Signature` scheme, once per handler attempt: a failure fails the attempt, and the
 * handler's delivery policy (`webhook.attempts`) retries it, each attempt in the delivery ledger.
 *
 * @example
 * ```ts
 * const send = createChannel(ctx.config, ctx.logger)
 * await send(notification, signal)
 * ```
 */
export function createChannel(config: OrderNotificationsConfig, logger: Logger): Channel {
  const webhook = config.webhook
  if (config.channel === 'log' || webhook === undefined) {
    return (notification) => {
      logger.info({ notification }, notification.message)
      return undefined
    }
  }
  return async (notification, signal) => {
    const body = JSON.stringify(notification)
    const deadline = AbortSignal.timeout(webhook.timeout_ms)
    let answer: Response
    try {
      answer = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signPayload(body, webhook.secret),
        },
        body,
        redirect: 'manual',
        signal: signal === undefined ? deadline : AbortSignal.any([signal, deadline]),
      })
    } catch (error) {
      const reason = deadline.aborted ? `no answer within ${webhook.timeout_ms}ms` : (error as Error).message
      throw new NotificationDeliveryError(webhook.url, reason)
    }
    await answer.body?.cancel()
    if (!answer.ok) throw new NotificationDeliveryError(webhook.url, `answered HTTP ${answer.status}`)
  }
}
