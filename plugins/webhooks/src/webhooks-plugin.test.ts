import { generateWebhookSecret } from '@switchyard/plugin-sdk'
import { createTestHost, MemoryStore, type TestHost } from '@switchyard/testing'
import { afterEach, describe, expect, it } from 'vitest'
import type { DeliveryLogEntry } from './delivery-log.js'
import type { PublicSubscription } from './subscription-registry.js'
import { standardWebhooksCheck } from './test-support/standard-webhooks-check.js'
import { startWebhookReceiver } from './testing/start-webhook-receiver.js'
import { webhooksPlugin } from './webhooks-plugin.js'

const secret = generateWebhookSecret()
const settings = { timeout_ms: 1000, retry: { attempts: 3, initial_ms: 10, max_ms: 20, jitter: false } }
// The receivers listen on loopback, which the plugin refuses by default: these tests opt in to it.
const config = { webhooks: { ...settings, allowed_hosts: ['127.0.0.1'] } }
const cleanup: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

async function startHost(
  store = new MemoryStore(),
  webhooks: Readonly<Record<string, unknown>> = config.webhooks,
): Promise<TestHost> {
  const host = await createTestHost({ plugins: [webhooksPlugin], config: { webhooks }, store })
  cleanup.push(() => host.stop())
  return host
}

async function receiver(statuses: number[]) {
  const started = await startWebhookReceiver(standardWebhooksCheck(secret), statuses)
  cleanup.push(started.close)
  return started
}

async function subscribe(host: TestHost, body: Record<string, unknown>): Promise<Response> {
  return host.request('/plugins/webhooks/subscriptions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret, ...body }),
  })
}

async function subscribed(host: TestHost, pattern: string, url: string): Promise<PublicSubscription> {
  const res = await subscribe(host, { pattern, url })
  expect(res.status).toBe(201)
  return (await res.json()) as PublicSubscription
}

async function deliveries(host: TestHost, id: string): Promise<DeliveryLogEntry[]> {
  const res = await host.request(`/plugins/webhooks/subscriptions/${id}/deliveries`)
  return ((await res.json()) as { deliveries: DeliveryLogEntry[] }).deliveries
}

describe('webhooks plugin: subscriptions API', () => {
  it('creates, lists, reads and deletes subscriptions without ever returning the secret', async () => {
    const host = await startHost()
    const created = await subscribed(host, 'order.**', 'http://127.0.0.1:9/hook')
    expect(created).toMatchObject({ pattern: 'order.**', url: 'http://127.0.0.1:9/hook' })
    expect(created.id).toMatch(/^whs_/)
    const list = await (await host.request('/plugins/webhooks/subscriptions')).text()
    const one = await (await host.request(`/plugins/webhooks/subscriptions/${created.id}`)).text()
    for (const text of [JSON.stringify(created), list, one]) expect(text).not.toContain(secret)
    expect(JSON.parse(list).subscriptions).toHaveLength(1)

    const deleted = await host.request(`/plugins/webhooks/subscriptions/${created.id}`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    expect((await host.request(`/plugins/webhooks/subscriptions/${created.id}`)).status).toBe(404)
    expect(
      (await host.request(`/plugins/webhooks/subscriptions/${created.id}`, { method: 'DELETE' })).status,
    ).toBe(404)
  })

  it('refuses a bad body naming the fields, and a malformed pattern', async () => {
    const host = await startHost()
    const res = await subscribe(host, { pattern: 'order.**', url: 'ftp://x', secret: 'short' })
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('E_VALIDATION')
    expect(error.message).toMatch(/url: /)
    expect(error.message).toMatch(/secret: expected a secret of at least 16 characters/)
    const notStandard = await subscribe(host, {
      pattern: '**',
      url: 'http://127.0.0.1:9/',
      secret: 'x'.repeat(20),
    })
    expect(await notStandard.text()).toMatch(/secret: expected a Standard Webhooks secret: whsec_/)
    const bad = await subscribe(host, { pattern: 'order.**.x', url: 'http://127.0.0.1:9/' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toMatch(/pattern: /)
  })

  it('keeps subscriptions in the plugin store across a restart', async () => {
    const store = new MemoryStore()
    const first = await createTestHost({ plugins: [webhooksPlugin], config, store })
    await subscribed(first, 'order.*', 'http://127.0.0.1:9/hook')
    await first.stop()
    const second = await startHost(store)
    const { subscriptions } = (await (await second.request('/plugins/webhooks/subscriptions')).json()) as {
      subscriptions: PublicSubscription[]
    }
    expect(subscriptions.map((s) => s.pattern)).toEqual(['order.*'])
  })
})

describe('webhooks plugin: delivery on a real bus', () => {
  it('delivers matching events, signed, to a real receiver and logs the delivery', async () => {
    const host = await startHost()
    const hook = await receiver([200])
    const sub = await subscribed(host, 'order.*', hook.url)
    const report = await host.publish('order.created', { orderId: 'o-1' })
    await host.publish('user.login', { user: 'u' })

    expect(report.outcomes).toEqual([
      expect.objectContaining({ handler: 'webhook_dispatcher', status: 'succeeded' }),
    ])
    expect(hook.received).toHaveLength(1)
    expect(hook.received[0]?.signatureValid).toBe(true)
    expect(hook.received[0]?.headers['switchyard-event-type']).toBe('order.created')
    expect(JSON.parse(hook.received[0]?.body ?? '{}')).toMatchObject({
      id: report.eventId,
      data: { orderId: 'o-1' },
    })
    const log = await deliveries(host, sub.id)
    expect(log).toEqual([expect.objectContaining({ eventId: report.eventId, status: 'delivered' })])
  })

  it('does not reach the dispatcher with an event no subscription matches', async () => {
    const host = await startHost()
    expect((await host.publish('order.created', { orderId: 'o-0' })).outcomes).toEqual([])
    await subscribed(host, 'invoice.*', 'http://127.0.0.1:9/hook')
    expect((await host.publish('order.created', { orderId: 'o-0' })).outcomes).toEqual([])
  })

  it('retries after a 500 and logs both attempts', async () => {
    const host = await startHost()
    const hook = await receiver([500, 200])
    const sub = await subscribed(host, '**', hook.url)
    await host.publish('order.created', { orderId: 'o-2' })
    expect(hook.received).toHaveLength(2)
    expect(hook.received.every((r) => r.signatureValid)).toBe(true)
    const [entry] = await deliveries(host, sub.id)
    expect(entry?.status).toBe('delivered')
    expect(entry?.attempts.map((a) => a.status)).toEqual([500, 200])
  })

  it('does not retry after a 400, and the handler still succeeds', async () => {
    const host = await startHost()
    const hook = await receiver([400, 200])
    const sub = await subscribed(host, '**', hook.url)
    const report = await host.publish('order.created', { orderId: 'o-3' })
    expect(report.outcomes[0]?.status).toBe('succeeded')
    expect(hook.received).toHaveLength(1)
    expect((await deliveries(host, sub.id))[0]?.status).toBe('rejected')
  })

  it('fails the handler when an endpoint keeps failing, and a redelivery reaches only that endpoint', async () => {
    const host = await startHost()
    const good = await receiver([200])
    const bad = await receiver([503, 503, 503, 200])
    await subscribed(host, '**', good.url)
    const badSub = await subscribed(host, '**', bad.url)
    const first = await host.publish('order.created', { orderId: 'o-4' })
    expect(first.outcomes[0]?.status).not.toBe('succeeded')
    expect(first.outcomes[0]?.error?.message).toMatch(/could not be delivered/)
    expect(bad.received).toHaveLength(3)

    const event = host.events.find((e) => e.id === first.eventId)!
    const again = await host.publish(event)
    expect(again.outcomes[0]?.status).toBe('succeeded')
    expect(good.received).toHaveLength(1)
    expect(bad.received).toHaveLength(4)
    expect((await deliveries(host, badSub.id)).map((d) => d.status)).toEqual(['delivered', 'failed'])
  })
})

describe('webhooks plugin: private targets', () => {
  async function refusal(host: TestHost, url: string) {
    const res = await subscribe(host, { pattern: '**', url })
    expect(res.status, url).toBe(400)
    return ((await res.json()) as { error: { code: string; message: string } }).error
  }

  it('refuses loopback, metadata and private URLs by default, naming the URL and the reason', async () => {
    const host = await startHost(new MemoryStore(), settings)
    const cases = {
      'http://127.0.0.1:9/hook': /127\.0\.0\.1 is a loopback address/,
      'http://[::1]:9/hook': /::1 is a loopback address/,
      'http://169.254.169.254/latest/meta-data': /169\.254\.169\.254 is a link-local address/,
      'http://10.0.0.1/hook': /10\.0\.0\.1 is a private address/,
      'http://[::ffff:127.0.0.1]/hook': /::ffff:7f00:1 is a loopback address/,
      'http://localhost:9/hook': /localhost resolves to 127\.0\.0\.1, a loopback address/,
    }
    for (const [url, reason] of Object.entries(cases)) {
      const error = await refusal(host, url)
      expect(error.code).toBe('E_WEBHOOK_TARGET_BLOCKED')
      expect(error.message).toContain(`url: ${url} is refused: `)
      expect(error.message).toMatch(reason)
      expect(error.message).toMatch(/allowed_hosts|allow_private_networks/)
    }
    const unresolvable = await refusal(host, 'https://hooks.example.invalid/hook')
    expect(unresolvable).toMatchObject({ code: 'E_WEBHOOK_HOST_UNRESOLVABLE' })
    expect(unresolvable.message).toMatch(/hooks\.example\.invalid does not resolve/)
    const { subscriptions } = (await (await host.request('/plugins/webhooks/subscriptions')).json()) as {
      subscriptions: unknown[]
    }
    expect(subscriptions).toEqual([])
  })

  it('delivers to loopback with allow_private_networks, and to a host named in allowed_hosts', async () => {
    for (const webhooks of [
      { ...settings, allow_private_networks: true },
      { ...settings, allowed_hosts: ['localhost'] },
    ]) {
      const host = await startHost(new MemoryStore(), webhooks)
      const hook = await receiver([200])
      const sub = await subscribed(host, '**', hook.url.replace('127.0.0.1', 'localhost'))
      const report = await host.publish('order.created', { orderId: 'o-5' })
      expect(report.outcomes[0]?.status).toBe('succeeded')
      expect(hook.received).toHaveLength(1)
      expect((await deliveries(host, sub.id))[0]?.status).toBe('delivered')
    }
  })

  it('refuses a subscriptions_refresh_ms that is not a positive integer, naming the key', async () => {
    const started = createTestHost({
      plugins: [webhooksPlugin],
      config: { webhooks: { subscriptions_refresh_ms: 0 } },
    })
    await expect(started).rejects.toThrow(/subscriptions_refresh_ms/)
  })

  it('refuses the config key allowed_hosts with a port or a path, naming the entry', async () => {
    const started = createTestHost({
      plugins: [webhooksPlugin],
      config: { webhooks: { allowed_hosts: ['hooks.internal:8080'] } },
    })
    await expect(started).rejects.toThrow(/allowed_hosts.*hooks\.internal:8080/)
  })

  it('checks again at delivery: a target allowed when subscribed but refused now is failed, not retried', async () => {
    const store = new MemoryStore()
    const open = await startHost(store, { ...settings, allow_private_networks: true })
    const hook = await receiver([200])
    const sub = await subscribed(open, '**', hook.url.replace('127.0.0.1', 'localhost'))
    await open.stop()

    const strict = await startHost(store, settings)
    const report = await strict.publish('order.created', { orderId: 'o-6' })
    expect(report.outcomes[0]?.status).not.toBe('succeeded')
    expect(hook.received).toHaveLength(0)
    const [entry] = await deliveries(strict, sub.id)
    expect(entry?.status).toBe('failed')
    expect(entry?.attempts).toHaveLength(1)
    expect(entry?.attempts[0]?.error).toMatch(/localhost resolves to 127\.0\.0\.1, a loopback address/)
  })
})
