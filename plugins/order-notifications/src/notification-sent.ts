import * as v from 'valibot'

/**
 * The payload of `notification.sent`, published once per notification after its channel accepted it.
 *
 * @example
 * ```ts
 * v.parse(notificationSent, { orderId: 'o-1', status: 'shipped', channel: 'log', handler: 'order_notification_handler',
 *   message: 'Order o-1 shipped', eventId: '0193…' })
 * ```
 */
export const notificationSent = v.object({
  orderId: v.nullable(v.string()),
  status: v.nullable(v.string()),
  channel: v.picklist(['log', 'webhook', 'email']),
  /** The handler that sent it: which route case the order event took. */
  handler: v.string(),
  message: v.string(),
  /** The id of the order event that caused it (also its `metadata.causationId`). */
  eventId: v.string(),
})

export type NotificationSent = v.InferOutput<typeof notificationSent>
