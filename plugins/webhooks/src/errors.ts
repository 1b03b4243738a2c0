import { SwitchyardError } from '@switchyard/plugin-sdk'

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

/**
 * A webhook target is, or resolves to, an address webhooks may not reach by default: loopback, private,
 * link-local (the cloud metadata service), CGNAT, unspecified, multicast, broadcast or reserved
 * (E_WEBHOOK_TARGET_BLOCKED). The plugin config's `allowed_hosts` or `allow_private_networks` lifts it.
 *
 * @example
 * ```ts
 * throw new BlockedTargetError('metadata.internal', '169.254.169.254', 'link-local')
 * ```
 */
export class BlockedTargetError extends SwitchyardError {
  readonly host: string
  readonly address: string
  readonly reason: string

  constructor(host: string, address: string, reason: string) {
    const what = host === address ? `${host} is a` : `${host} resolves to ${address}, a`
    super(
      'E_WEBHOOK_TARGET_BLOCKED',
      `${what} ${reason} address, which webhooks may not reach unless the webhooks plugin config lists ` +
        `"${host}" in allowed_hosts or sets allow_private_networks: true`,
    )
    this.host = host
    this.address = address
    this.reason = reason
  }
}

/**
 * A webhook target's host name does not resolve to any address, so it cannot be checked or reached
 * (E_WEBHOOK_HOST_UNRESOLVABLE).
 *
 * @example
 * ```ts
 * throw new UnresolvableHostError('hooks.example.invalid', cause)
 * ```
 */
export class UnresolvableHostError extends SwitchyardError {
  readonly host: string

  constructor(host: string, cause: unknown) {
    const code = (cause as { code?: unknown } | undefined)?.code
    super(
      'E_WEBHOOK_HOST_UNRESOLVABLE',
      `${host} does not resolve to an address${typeof code === 'string' ? ` (${code})` : ''}`,
      { cause },
    )
    this.host = host
  }
}
