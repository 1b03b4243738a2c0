import { SwitchyardError } from '@switchyard/plugin-sdk'

/**
 * The webhook channel did not get a 2xx answer after its attempts (E_NOTIFICATION_DELIVERY); the handler fails,
 * so the bus retries it or dead-letters the event.
 *
 * @example
 * ```ts
 * throw new NotificationDeliveryError('https://example.com/notify', 'answered HTTP 503')
 * ```
 */
export class NotificationDeliveryError extends SwitchyardError {
  readonly url: string

  constructor(url: string, reason: string) {
    super('E_NOTIFICATION_DELIVERY', `notification to ${url} was not delivered: ${reason}`)
    this.url = url
  }
}
