import { SwitchyardError } from '@switchyard/core'

/**
 * Some endpoints still failed (5xx, timeouts, network errors) after every retry; the bus dead-letters the event,
 * and replaying it delivers again only to those endpoints (E_WEBHOOK_DELIVERY).
 *
 * @example
 * ```ts
 * throw new WebhookDeliveryError('0193…', ['https://example.com/hook'])
 * ```
 */
export class WebhookDeliveryError extends SwitchyardError {
  readonly eventId: string
  readonly urls: readonly string[]

  constructor(eventId: string, urls: readonly string[]) {
    super(
      'E_WEBHOOK_DELIVERY',
      `event ${eventId} could not be delivered to ${urls.join(', ')} after every retry`,
    )
    this.eventId = eventId
    this.urls = urls
  }
}
