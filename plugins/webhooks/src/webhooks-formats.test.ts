import { fromCloudEvent, generateWebhookSecret, verifySignature } from '@switchyard/plugin-sdk'
import { createTestHost, MemoryStore, type TestHost } from '@switchyard/testing'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import type { PublicSubscription } from './subscription-registry.js'
import { standardWebhooksCheck } from './test-support/standard-webhooks-check.js'
import { type SignatureCheck, startWebhookReceiver } from './testing/start-webhook-receiver.js'
import { webhooksPlugin } from './webhooks-plugin.js'

const config = {
  webhooks: {
    timeout_ms: 1000,
    retry: { attempts: 3, initial_ms: 10, max_ms: 20, jitter: false },
    allowed_hosts: ['127.0.0.1'],
  },
}
const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

async function startHost(store = new MemoryStore()): Promise<TestHost> {
  const host = await createTestHost({ plugins: [webhooksPlugin], config, store })
  cleanup.push(() => host.stop())
  return host
}

async function receiver(check: string | SignatureCheck, statuses = [200]) {
  const started = await startWebhookReceiver(check, statuses)
  cleanup.push(started.close)
  return started
}

async function subscribe(host: TestHost, body: Record<string, unknown>) {
  const res = await host.request('/plugins/webhooks/subscriptions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  expect(res.status, await res.clone().text()).toBe(201)
  return (await res.json()) as PublicSubscription & { secret?: string }
}

describe('webhooks plugin: Standard Webhooks', () => {
  it('generates a whsec_ secret shown once, and signs every attempt so standardwebhooks verifies it', async () => {
    const host = await startHost()
    const created = await subscribe(host, { pattern: 'order.*', url: 'http://127.0.0.1:9/x' })
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    expect(created.signature).toBe('standard')
    const again = await (await host.request(`/plugins/webhooks/subscriptions/${created.id}`)).text()
    expect(again).not.toContain(created.secret)
    await host.request(`/plugins/webhooks/subscriptions/${created.id}`, { method: 'DELETE' })

    const secret = generateWebhookSecret()
    const hook = await receiver(standardWebhooksCheck(secret), [503, 200])
    await subscribe(host, { pattern: 'order.*', url: hook.url, secret })
    const report = await host.publish('order.created', { orderId: 'o-1' })
    expect(report.outcomes[0]?.status).toBe('succeeded')
    expect(hook.received.map((r) => r.signatureValid)).toEqual([true, true])
    // The same message id on every attempt, so receivers can drop a repeat; the payload verifies as the event.
    expect(hook.received.map((r) => r.headers['webhook-id'])).toEqual([report.eventId, report.eventId])
    const last = hook.received[1]!
    expect(last.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)
    expect(last.headers['switchyard-signature']).toBeUndefined()
    const verified = new Webhook(secret).verify(last.body, last.headers as Record<string, string>)
    expect(verified).toMatchObject({ id: report.eventId, type: 'order.created', data: { orderId: 'o-1' } })
    // A receiver holding another secret refuses it.
    expect(standardWebhooksCheck(generateWebhookSecret())(last.headers, last.body)).toBe(false)
  })

  it('keeps Switchyard-Signature for existing receivers: signature switchyard alone, or both schemes at once', async () => {
    const host = await startHost()
    const legacySecret = 'a-legacy-secret-of-any-form'
    const legacy = await receiver(legacySecret)
    await subscribe(host, {
      pattern: 'order.*',
      url: legacy.url,
      secret: legacySecret,
      signature: 'switchyard',
    })
    const secret = generateWebhookSecret()
    const both = await receiver(standardWebhooksCheck(secret))
    await subscribe(host, { pattern: 'order.*', url: both.url, secret, signature: 'both' })
    await host.publish('order.created', { orderId: 'o-2' })

    expect(legacy.received[0]?.signatureValid).toBe(true)
    expect(legacy.received[0]?.headers['webhook-signature']).toBeUndefined()
    expect(both.received[0]?.signatureValid).toBe(true)
    const { headers, body } = both.received[0]!
    expect(headers['switchyard-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(verifySignature(headers['switchyard-signature'] as string, body, secret)).toBe(true)
  })
})

describe('webhooks plugin: CloudEvents', () => {
  it('sends a structured CloudEvent 1.0, signed over the body it sends', async () => {
    const host = await startHost()
    const secret = generateWebhookSecret()
    const hook = await receiver(standardWebhooksCheck(secret))
    await subscribe(host, { pattern: 'order.*', url: hook.url, secret, format: 'cloudevents' })
    const report = await host.publish('order.created', { orderId: 'o-3' })
    const { headers, body, signatureValid } = hook.received[0]!
    expect(signatureValid).toBe(true)
    expect(headers['content-type']).toBe('application/cloudevents+json')
    const cloudEvent = JSON.parse(body) as Record<string, unknown>
    expect(cloudEvent).toMatchObject({ specversion: '1.0', id: report.eventId, type: 'order.created' })
    expect(fromCloudEvent(cloudEvent)).toMatchObject({ id: report.eventId, data: { orderId: 'o-3' } })
  })

  it('sends a binary CloudEvent: ce-* headers, the data as the body', async () => {
    const host = await startHost()
    const secret = generateWebhookSecret()
    const hook = await receiver(standardWebhooksCheck(secret))
    await subscribe(host, {
      pattern: 'order.*',
      url: hook.url,
      secret,
      format: 'cloudevents',
      mode: 'binary',
    })
    const report = await host.publish('order.created', { orderId: 'o-4' })
    const { headers, body, signatureValid } = hook.received[0]!
    expect(signatureValid).toBe(true)
    expect(headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': report.eventId,
      'ce-type': 'order.created',
      'ce-source': expect.any(String),
      'content-type': 'application/json',
    })
    expect(JSON.parse(body)).toEqual({ orderId: 'o-4' })
  })

  it('refuses an unknown format or mode, naming the field', async () => {
    const host = await startHost()
    const res = await host.request('/plugins/webhooks/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pattern: '**', url: 'http://127.0.0.1:9/', format: 'xml', mode: 'sideways' }),
    })
    expect(res.status).toBe(400)
    const text = await res.text()
    expect(text).toMatch(/format: /)
    expect(text).toMatch(/mode: /)
  })
})

describe('webhooks plugin: signing secrets in ctx.secrets', () => {
  it('keeps no secret in the plugin store, only an envelope in the secrets namespace', async () => {
    const store = new MemoryStore()
    const host = await startHost(store)
    const secret = generateWebhookSecret()
    await subscribe(host, { pattern: '**', url: 'http://127.0.0.1:9/x', secret })
    const own = JSON.stringify(await store.kvList('webhooks'))
    const sealed = JSON.stringify(await store.kvList('_secrets'))
    expect(own).not.toContain(secret.slice(6))
    expect(sealed).toContain('A256GCM')
    expect(sealed).not.toContain(secret.slice(6))
  })

  it('moves a secret stored inline by an earlier version into ctx.secrets at start, and still signs with it', async () => {
    const store = new MemoryStore()
    const legacySecret = 'whsec_plugin_test_0123'
    const hook = await receiver(legacySecret)
    const id = 'whs_legacy'
    await store.kvSet('webhooks', `subscription:${id}`, {
      id,
      pattern: 'order.*',
      url: hook.url,
      secret: legacySecret,
      createdAt: '2026-01-01T00:00:00.000Z',
    })
    const host = await startHost(store)
    expect(await store.kvGet('webhooks', `subscription:${id}`)).not.toHaveProperty('secret')
    expect(JSON.stringify(await store.kvList('_secrets'))).not.toContain(legacySecret)
    const listed = await (await host.request(`/plugins/webhooks/subscriptions/${id}`)).json()
    expect(listed).toMatchObject({ id, signature: 'switchyard', format: 'json' })

    const report = await host.publish('order.created', { orderId: 'o-5' })
    expect(report.outcomes[0]?.status).toBe('succeeded')
    expect(hook.received[0]?.signatureValid).toBe(true)
  })
})
