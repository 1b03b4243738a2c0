import { definePlugin } from '@switchyard/plugin-sdk'
import { orderNotificationsConfig } from './config.js'
import { createChannel } from './create-channel.js'
import { createEmailChannel } from './create-email-channel.js'
import { createNotificationHandler, type NotificationDeps } from './create-notification-handler.js'
import { notificationSent } from './notification-sent.js'

/**
 * The order-notifications plugin: the order-system seed's handler made real. `order_notification_handler`
 * (and, with `fallback_handler: true`, `order_fallback_handler`) handle `order.status_changed`; a `routes` table
 * in the host config picks which one runs per status.
 *
 * @example
 * ```yaml
 * plugins:
 *   order-notifications:
 *     enabled: true
 *     config: { channel: log, templates: { shipped: 'Order {{data.orderId}} is on its way' } }
 * ```
 */
export const orderNotificationsPlugin = definePlugin({
  name: 'order-notifications',
  version: '0.1.0',
  description:
    'Notifies customers of order status changes: routed per status, rendered from templates, sent once',
  permissions: ['events:subscribe', 'events:publish'],
  config: orderNotificationsConfig,
  publishes: { 'notification.sent': { schema: notificationSent, version: '1.0.0' } },
  async setup(ctx) {
    const email = ctx.config.channel === 'email' ? ctx.config.email : undefined
    const mailer = email === undefined ? undefined : createEmailChannel(email)
    if (mailer !== undefined) ctx.onStop(() => mailer.close())
    const deps: NotificationDeps = {
      config: ctx.config,
      channel: mailer?.send ?? createChannel(ctx.config, ctx.logger),
      publish: (type, data, init) => ctx.publish(type, data, init),
      sent: ctx.metrics.counter('notifications_sent_total', 'Order notifications sent', {
        labelNames: ['channel', 'status'],
      }),
    }
    // A webhook or e-mail send is one handler attempt: its deadline and retries are the handler's delivery policy.
    const remote = ctx.config.channel === 'webhook' ? ctx.config.webhook : email
    const channelPolicy =
      remote === undefined
        ? {}
        : { timeoutMs: remote.timeout_ms + 1_000, retry: { attempts: remote.attempts } }
    await ctx.on(
      'order.status_changed',
      createNotificationHandler('order_notification_handler', 'status', deps),
      { name: 'order_notification_handler', idempotent: true, ...channelPolicy },
    )
    if (ctx.config.fallback_handler) {
      await ctx.on(
        'order.status_changed',
        createNotificationHandler('order_fallback_handler', 'fallback', deps),
        { name: 'order_fallback_handler', idempotent: true, ...channelPolicy },
      )
    }
  },
})
