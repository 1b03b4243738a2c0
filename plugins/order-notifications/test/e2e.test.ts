import { fileURLToPath } from 'node:url'
import type { AuditPage } from '@switchyard/plugin-audit-log'
import type { Event } from '@switchyard/plugin-sdk'
import type { DeliveryLogEntry, PublicSubscription } from '@switchyard/plugin-webhooks'
import { startWebhookReceiver, type WebhookReceiver } from '@switchyard/plugin-webhooks/testing'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { NotificationSent } from '../src/notification-sent.js'
import { type ServerProcess, startServerProcess } from './start-server-process.js'

// Every first-party plugin, discovered from this repository's plugins/ folder (built: `pnpm build`).
const PLUGINS_DIR = fileURLToPath(new URL('../..', import.meta.url))
const SECRET = 'whsec_e2e_0123456789abcdef'
const STATUSES = ['created', 'packed', 'shipped', 'delivered'] as const

let server: ServerProcess
let receiver: WebhookReceiver
let subscription: PublicSubscription
const published: Record<string, { id: string; correlationId: string | null; timing: string | null }> = {}

beforeAll(async () => {
  // The first delivery is answered 500, so the webhook plugin's retry shows in the end-to-end run too.
  receiver = await startWebhookReceiver(SECRET, [500, 200])
  const receiverPort = new URL(receiver.url).port
  server = await startServerProcess({
    server: { host: '127.0.0.1', port: 0 },
    plugin_directories: [PLUGINS_DIR],
    plugins: {
      'order-notifications': {
        config: {
          channel: 'log',
          fallback_handler: true,
          templates: {
            shipped: 'Order {{data.orderId}} is on its way',
            delivered: 'Order {{data.orderId}} was delivered',
            '*': 'Order {{data.orderId}} is now {{data.status}}',
          },
        },
      },
      webhooks: {
        config: {
          timeout_ms: 2000,
          retry: { attempts: 3, initial_ms: 20, max_ms: 50, jitter: false },
          // the receiver is on loopback, which the plugin refuses unless allowed
          allowed_hosts: ['127.0.0.1'],
        },
      },
      'audit-log': { config: {} },
      'request-tracing': { config: {} },
      // Discovered from plugins/ too, it needs a key or JWKS to start: off here, as in config/switchyard.yaml.
      'jwt-auth': { enabled: false },
      'health-checks': {
        config: { checks: [{ name: 'receiver', type: 'tcp', url: `tcp://127.0.0.1:${receiverPort}` }] },
      },
    },
    routes: {
      'order.status_changed': {
        key: 'data.status',
        cases: {
          shipped: ['order_notification_handler'],
          delivered: ['order_notification_handler'],
          '*': ['order_fallback_handler'],
        },
      },
    },
    storage: { driver: 'memory' },
    delivery: {
      timeout_ms: 5000,
      retry: { attempts: 2, initial_ms: 10, max_ms: 10, factor: 1, jitter: false },
    },
  })

  const res = await server.request('/plugins/webhooks/subscriptions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      pattern: 'notification.sent',
      url: receiver.url,
      secret: SECRET,
      signature: 'switchyard',
    }),
  })
  expect(res.status).toBe(201)
  subscription = (await res.json()) as PublicSubscription

  for (const status of STATUSES) {
    const answer = await server.request('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': `checkout-o-1-${status}` },
      body: JSON.stringify({
        type: 'order.status_changed',
        source: 'shop',
        data: { orderId: 'o-1', status },
      }),
    })
    expect(answer.status).toBe(202)
    published[status] = {
      id: ((await answer.json()) as { id: string }).id,
      correlationId: answer.headers.get('x-correlation-id'),
      timing: answer.headers.get('x-processing-time'),
    }
  }
  await vi.waitFor(
    () => expect(receiver.received.filter((r) => r.signatureValid)).toHaveLength(STATUSES.length + 1),
    {
      timeout: 10_000,
    },
  )
}, 60_000)

afterAll(async () => {
  await server?.close()
  await receiver?.close()
})

const notifications = () =>
  receiver.received
    .filter((r, i, all) => all.findIndex((o) => o.body === r.body) === i)
    .map((r) => JSON.parse(r.body) as Event<NotificationSent>)

async function audit(query: string): Promise<AuditPage> {
  const res = await server.request(`/plugins/audit-log/events${query}`)
  expect(res.status).toBe(200)
  return (await res.json()) as AuditPage
}

describe('end to end: an order through its statuses over HTTP, all five plugins', () => {
  it('answers each publish with its correlation id and processing time (request-tracing)', () => {
    for (const status of STATUSES) {
      expect(published[status]?.correlationId).toBe(`checkout-o-1-${status}`)
      expect(published[status]?.timing).toMatch(/^\d+\.\d{3}ms$/)
    }
  })

  it('notifies once per status through the route its status selects (order-notifications)', () => {
    const byStatus = Object.fromEntries(notifications().map((n) => [n.data.status, n.data]))
    expect(Object.keys(byStatus).sort()).toEqual([...STATUSES].sort())
    expect(byStatus.created).toMatchObject({
      handler: 'order_fallback_handler',
      message: 'Order o-1 is now created',
    })
    expect(byStatus.packed).toMatchObject({
      handler: 'order_fallback_handler',
      message: 'Order o-1 is now packed',
    })
    expect(byStatus.shipped).toMatchObject({
      handler: 'order_notification_handler',
      message: 'Order o-1 is on its way',
    })
    expect(byStatus.delivered).toMatchObject({ handler: 'order_notification_handler' })
  })

  it('joins each notification to its order event and HTTP call by correlation and causation ids', () => {
    for (const notification of notifications()) {
      const status = notification.data.status as string
      expect(notification.metadata.correlationId).toBe(`checkout-o-1-${status}`)
      expect(notification.metadata.causationId).toBe(published[status]?.id)
    }
  })

  it('delivered every notification, signed, retrying the one answered 500 (webhooks)', async () => {
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true)
    const log = async () => {
      const res = await server.request(`/plugins/webhooks/subscriptions/${subscription.id}/deliveries`)
      return ((await res.json()) as { deliveries: DeliveryLogEntry[] }).deliveries
    }
    // The receiver answers before the plugin writes its log entry: wait for the last one.
    await vi.waitFor(async () => expect(await log()).toHaveLength(STATUSES.length))
    const deliveries = await log()
    expect(deliveries.every((d) => d.status === 'delivered')).toBe(true)
    expect(
      deliveries.filter((d) => d.attempts.length > 1).map((d) => d.attempts.map((a) => a.status)),
    ).toEqual([[500, 200]])
  })

  it('audited each notification with its outcomes and correlation id (audit-log)', async () => {
    const expected = STATUSES.map((s) => `checkout-o-1-${s}`).sort()
    await vi.waitFor(async () => expect((await audit('?type=notification.sent')).entries).toHaveLength(4))
    const { entries } = await audit('?type=notification.sent')
    expect(entries.map((e) => e.correlationId).sort()).toEqual(expected)
    for (const entry of entries) {
      expect(entry.outcomes.find((o) => o.handler === 'webhook_dispatcher')?.status).toBe('succeeded')
    }
  })

  it('audited each enqueued order event with its per-handler outcomes (audit-log)', async () => {
    await vi.waitFor(async () =>
      expect((await audit('?type=order.status_changed')).entries).toHaveLength(STATUSES.length),
    )
    const { entries } = await audit('?type=order.status_changed')
    const outcomes = (status: string) => {
      const entry = entries.find((e) => e.eventId === published[status]?.id)
      expect(entry?.correlationId).toBe(`checkout-o-1-${status}`)
      return Object.fromEntries((entry?.outcomes ?? []).map((o) => [o.handler, o.status]))
    }
    for (const status of ['created', 'packed']) {
      expect(outcomes(status)).toMatchObject({
        order_fallback_handler: 'succeeded',
        order_notification_handler: 'unrouted',
      })
    }
    for (const status of ['shipped', 'delivered']) {
      expect(outcomes(status)).toMatchObject({
        order_notification_handler: 'succeeded',
        order_fallback_handler: 'unrouted',
      })
    }
  })

  it('reports the dependency checks in its own health and in /readyz (health-checks)', async () => {
    const health = await server.request('/plugins/health-checks/health')
    expect(health.status).toBe(200)
    expect(JSON.stringify(await health.json())).toContain('receiver')
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
  })
})
