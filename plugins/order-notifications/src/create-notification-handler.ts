import type {
  CounterMetric,
  DeliveryReport,
  Event,
  EventInit,
  HandlerContext,
  Logger,
  PluginStore,
} from '@switchyard/plugin-sdk'
import { DEFAULT_TEMPLATE, type OrderNotificationsConfig } from './config.js'
import type { Channel } from './create-channel.js'
import type { NotificationSent } from './notification-sent.js'
import { renderTemplate, valueAt } from './render-template.js'

/** What a notification handler needs from the plugin context. */
export interface NotificationDeps {
  config: OrderNotificationsConfig
  store: PluginStore
  logger: Logger
  channel: Channel
  publish: (type: 'notification.sent', data: NotificationSent, init: EventInit) => Promise<DeliveryReport>
  sent: CounterMetric
}

const SENT_TTL_MS = 7 * 24 * 60 * 60 * 1000

/**
 * A handler that turns an order event into one notification: renders the status's template (`status`) or the
 * `*` template (`fallback`), sends it through the channel, then publishes `notification.sent` carrying the
 * order event's correlation id. One notification per idempotency key, whichever handler and however often the
 * event arrives: the key is remembered in the plugin store once the channel took the notification.
 *
 * @example
 * ```ts
 * ctx.on('order.status_changed', createNotificationHandler('order_notification_handler', 'status', deps),
 *   { name: 'order_notification_handler' })
 * ```
 */
export function createNotificationHandler(
  handler: string,
  template: 'status' | 'fallback',
  deps: NotificationDeps,
) {
  const { config, store } = deps
  const inFlight = new Set<string>()
  return async (event: Event, attempt?: HandlerContext): Promise<void> => {
    const key = event.metadata.idempotencyKey
    // The store remembers keys across restarts and nodes; the set covers concurrent duplicates in this process.
    if (inFlight.has(key) || (await store.get(`sent:${key}`)) !== undefined) {
      deps.logger.debug({ eventId: event.id, idempotencyKey: key }, 'notification already sent')
      return
    }
    inFlight.add(key)
    try {
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
      await deps.channel(notification, attempt?.signal)
      deps.sent.inc({ channel: config.channel, status: status ?? 'unknown' })
      // Remembering the key and publishing go together: on a durable store this key and what the handlers and
      // after_dispatch actions of `notification.sent` write go in one commit, not one after another.
      await Promise.all([
        store.set(
          `sent:${key}`,
          { eventId: event.id, sentAt: new Date().toISOString() },
          { ttlMs: SENT_TTL_MS },
        ),
        deps.publish('notification.sent', notification, {
          metadata: {
            idempotencyKey: `notification:${key}`,
            causationId: event.id,
            ...(event.metadata.correlationId === undefined
              ? {}
              : { correlationId: event.metadata.correlationId }),
          },
        }),
      ])
    } finally {
      inFlight.delete(key)
    }
  }
}

function asText(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null
}
