import type { Event, HandlerContext, Logger } from '@switchyard/plugin-sdk'
import type { DeliveryLog } from './delivery-log.js'
import { WebhookDeliveryError } from './errors.js'
import { formatPayload, type Payload } from './format-payload.js'
import { type SendOptions, sendWebhook } from './send-webhook.js'
import type { ActiveSubscription, SubscriptionRegistry } from './subscription-registry.js'

/** What the dispatcher needs. */
export interface DispatcherDeps {
  registry: SubscriptionRegistry
  log: DeliveryLog
  send: Omit<SendOptions, 'signal'>
  logger: Logger
  /** Called once per finished delivery, for metrics. */
  onDelivery?: (status: string) => void
}

/**
 * The bus handler of the webhooks plugin: delivers an event to every subscription whose pattern matches, all
 * endpoints at once, each with its own retries, in its format (JSON or a CloudEvent) and signed its way. An endpoint that already got the event's idempotency key is
 * skipped, so a redelivered or replayed event reaches only the endpoints that have not had it. Throws
 * `WebhookDeliveryError` when an endpoint still failed after its retries.
 *
 * @example
 * ```ts
 * ctx.on('**', createDispatcher({ registry, log, send, logger: ctx.logger }), { name: 'webhook_dispatcher' })
 * ```
 */
export function createDispatcher(deps: DispatcherDeps) {
  // Not an async function: an event that matches no subscription (most do not) costs one `then` on the lookup.
  return (event: Event, handler: HandlerContext): Promise<void> =>
    deps.registry
      .matching(event.type)
      .then((subscriptions) =>
        subscriptions.length === 0 ? undefined : deliverToAll(deps, event, handler, subscriptions),
      )
}

/** Sends `event` to each of `subscriptions`; throws `WebhookDeliveryError` naming the endpoints that failed. */
async function deliverToAll(
  deps: DispatcherDeps,
  event: Event,
  handler: HandlerContext,
  subscriptions: ActiveSubscription[],
): Promise<void> {
  // Serialised only for the events that are sent, once per format.
  const payloads = new Map<string, Payload>()
  const payloadOf = ({ format, mode }: ActiveSubscription): Payload => {
    const key = `${format}:${mode}`
    const payload = payloads.get(key) ?? formatPayload(event, format, mode)
    payloads.set(key, payload)
    return payload
  }
  const failed = await Promise.all(
    subscriptions.map(async (subscription) => ((await deliver(subscription)) ? [] : [subscription.url])),
  )
  const urls = failed.flat()
  if (urls.length > 0) throw new WebhookDeliveryError(event.id, urls)

  /** Resolves false when the endpoint should get the event again later. */
  async function deliver(subscription: ActiveSubscription): Promise<boolean> {
    const key = event.metadata.idempotencyKey
    if (await deps.log.wasSent(subscription.id, key)) return true
    const { body, headers } = payloadOf(subscription)
    const result = await sendWebhook(
      {
        url: subscription.url,
        secret: subscription.secret,
        signature: subscription.signature,
        messageId: event.id,
        body,
        headers: {
          ...headers,
          'switchyard-event-id': event.id,
          'switchyard-event-type': event.type,
          'switchyard-subscription-id': subscription.id,
        },
      },
      { ...deps.send, signal: handler.signal },
    )
    await deps.log.record({
      subscriptionId: subscription.id,
      eventId: event.id,
      eventType: event.type,
      status: result.status,
      attempts: result.attempts,
      finishedAt: new Date().toISOString(),
    })
    deps.onDelivery?.(result.status)
    if (result.status === 'failed') {
      deps.logger.warn({ subscription: subscription.id, eventId: event.id }, 'webhook delivery failed')
      return false
    }
    // A rejected (4xx) delivery is final too: sending the same body again would be refused again.
    await deps.log.markSent(subscription.id, key)
    return true
  }
}
