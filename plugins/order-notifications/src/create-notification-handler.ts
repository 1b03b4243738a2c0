import type { CounterMetric, DeliveryReport, Event, EventInit, HandlerContext } from '@switchyard/plugin-sdk'
import { DEFAULT_TEMPLATE, type OrderNotificationsConfig } from './config.js'
import type { Channel } from './create-channel.js'
import type { NotificationSent } from './notification-sent.js'
import { renderTemplate, valueAt } from './render-template.js'

/** What a notification handler needs from the plugin context. */
export interface NotificationDeps {
  config: OrderNotificationsConfig
  channel: Channel
  publish: (type: 'notification.sent', data: NotificationSent, init: EventInit) => Promise<DeliveryReport>
  sent: CounterMetric
}

/**
 * A handler that turns an order event into one notification: renders the status's template (`status`) or the
 * `*` template (`fallback`), sends it through the channel, then publishes `notification.sent` carrying the
 * order event's correlation id. Subscribed `idempotent: true`: the bus runs it once per idempotency key, however
 * often the event arrives (the ledger row of its success is the record, kept by the store across restarts and
 * nodes; a concurrent duplicate waits for the first), so the handler keeps no record of its own.
 *
 * @example
 * ```ts
 * ctx.on('order.status_changed', createNotificationHandler('order_notification_handler', 'status', deps),
 *   { name: 'order_notification_handler', idempotent: true })
 * ```
 */
export function createNotificationHandler(
  handler: string,
  template: 'status' | 'fallback',
  deps: NotificationDeps,
) {
  const { config } = deps
  return async (event: Event, attempt?: HandlerContext): Promise<void> => {
    const status = asText(valueAt(event, config.status_key))
    const chosen = template === 'status' && status !== null ? config.templates[status] : undefined
    const notification: NotificationSent = {
      orderId: asText(valueAt(event, config.order_key)),
      status,
      channel: config.channel,
      handler,
      message: renderTemplate(chosen ?? config.templates['*'] ?? DEFAULT_TEMPLATE, event),
      eventId: event.id,
    }
    const sending = deps.channel(notification, attempt?.signal)
    if (sending !== undefined) await sending
    deps.sent.inc({ channel: config.channel, status: status ?? 'unknown' })
    await deps.publish('notification.sent', notification, {
      metadata: {
        idempotencyKey: `notification:${event.metadata.idempotencyKey}`,
        causationId: event.id,
        ...(event.metadata.correlationId === undefined
          ? {}
          : { correlationId: event.metadata.correlationId }),
      },
    })
  }
}

function asText(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null
}
