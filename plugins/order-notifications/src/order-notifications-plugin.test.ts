import { createEvent, type Event } from '@switchyard/plugin-sdk'
import { startWebhookReceiver, type WebhookReceiver } from '@switchyard/plugin-webhooks/testing'
import type { TestHost } from '@switchyard/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { NotificationSent } from './notification-sent.js'
import { startNotificationsHost } from './test-support/start-notifications-host.js'

const secret = 'whsec_notify_test_0123'
const templates = {
  shipped: 'Order {{data.orderId}} is on its way',
  '*': 'Order {{data.orderId}}: {{data.status}}',
}
const routes = {
  'order.status_changed': {
    key: 'data.status',
    cases: { shipped: ['order_notification_handler'], '*': ['order_fallback_handler'] },
  },
}
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

const start = (config: Record<string, unknown>): Promise<TestHost> => startNotificationsHost(config, cleanup)

async function receiver(statuses: number[]): Promise<WebhookReceiver> {
  const hook = await startWebhookReceiver(secret, statuses)
  cleanup.push(hook.close)
  return hook
}

function sent(host: TestHost): Event<NotificationSent>[] {
  return host.events.filter((event): event is Event<NotificationSent> => event.type === 'notification.sent')
}

function statusChanged(status: string, correlationId = 'c-1') {
  return createEvent('order.status_changed', { orderId: 'o-1', status }, { metadata: { correlationId } })
}

describe('order-notifications plugin', () => {
  it('routes per status: the status template for a routed case, the * template through the fallback', async () => {
    const host = await start({ channel: 'log', templates, fallback_handler: true })
    host.bus.setRoutes(routes)
    const shipped = await host.publish(statusChanged('shipped'))
    const packed = await host.publish(statusChanged('packed'))

    const outcome = (report: typeof shipped, handler: string) =>
      report.outcomes.find((o) => o.handler === handler)
    expect(outcome(shipped, 'order_notification_handler')?.status).toBe('succeeded')
    expect(outcome(shipped, 'order_fallback_handler')?.status).toBe('unrouted')
    expect(outcome(packed, 'order_notification_handler')?.status).toBe('unrouted')
    expect(outcome(packed, 'order_fallback_handler')?.status).toBe('succeeded')
    expect(sent(host).map((e) => [e.data.handler, e.data.message])).toEqual([
      ['order_notification_handler', 'Order o-1 is on its way'],
      ['order_fallback_handler', 'Order o-1: packed'],
    ])
  })

  it('publishes notification.sent joined to the order event by correlation and causation ids', async () => {
    const host = await start({ templates })
    const report = await host.publish(statusChanged('shipped', 'checkout-7'))
    const [notification] = sent(host)
    expect(notification?.data).toEqual({
      orderId: 'o-1',
      status: 'shipped',
      channel: 'log',
      handler: 'order_notification_handler',
      message: 'Order o-1 is on its way',
      eventId: report.eventId,
    })
    expect(notification?.source).toBe('order-notifications')
    expect(notification?.metadata).toMatchObject({ correlationId: 'checkout-7', causationId: report.eventId })
  })

  it('never notifies twice for one idempotency key, even when the event is redelivered', async () => {
    const host = await start({ templates })
    const event = statusChanged('shipped')
    await host.publish(event)
    const again = await host.publish(event)
    expect(again.outcomes[0]?.status).toBe('skipped_duplicate')
    const sameKey = createEvent('order.status_changed', event.data, {
      metadata: { idempotencyKey: event.metadata.idempotencyKey },
    })
    await host.publish(sameKey)
    expect(sent(host)).toHaveLength(1)
    await host.publish(statusChanged('shipped'))
    expect(sent(host)).toHaveLength(2)
  })

  it('sends through the webhook channel, signed, and fails the handler until the endpoint takes it', async () => {
    const hook = await receiver([503, 200])
    const host = await start({
      channel: 'webhook',
      templates,
      webhook: { url: hook.url, secret, attempts: 1 },
    })
    const event = statusChanged('shipped')
    const failed = await host.publish(event)
    expect(failed.outcomes[0]?.status).not.toBe('succeeded')
    expect(failed.outcomes[0]?.error?.message).toMatch(/was not delivered: answered HTTP 503/)
    expect(sent(host)).toHaveLength(0)

    const retried = await host.publish(event)
    expect(retried.outcomes[0]?.status).toBe('succeeded')
    expect(hook.received.map((r) => r.signatureValid)).toEqual([true, true])
    expect(JSON.parse(hook.received[1]?.body ?? '{}')).toMatchObject({ message: 'Order o-1 is on its way' })
    expect(sent(host)).toHaveLength(1)
  })

  it('refuses the webhook channel without a webhook endpoint, naming the key', async () => {
    await expect(start({ channel: 'webhook' })).rejects.toThrow(
      /webhook: expected a webhook \{ url, secret \}/,
    )
  })
})
