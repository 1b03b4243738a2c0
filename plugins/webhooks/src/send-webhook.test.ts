import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { sendWebhook } from './send-webhook.js'
import { TargetGuard } from './target-guard.js'
import { startWebhookReceiver } from './testing/start-webhook-receiver.js'

const secret = 'whsec_test_0123456789'
const retry = { attempts: 3, initialMs: 10, maxMs: 50, factor: 2, jitter: false }
const closers: Array<() => Promise<void>> = []

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

async function receiver(statuses: number[], delayMs = 0) {
  const started = await startWebhookReceiver(secret, statuses, delayMs)
  closers.push(started.close)
  return started
}

describe('sendWebhook', () => {
  it('delivers a signed body that the receiver verifies', async () => {
    const hook = await receiver([204])
    const body = JSON.stringify({ id: 'evt_1', type: 'order.created' })
    const result = await sendWebhook(
      { url: hook.url, secret, body, headers: { 'switchyard-event-id': 'evt_1' } },
      { retry, timeoutMs: 2000 },
    )
    expect(result.status).toBe('delivered')
    expect(result.attempts).toHaveLength(1)
    expect(hook.received).toHaveLength(1)
    expect(hook.received[0]?.signatureValid).toBe(true)
    expect(hook.received[0]?.body).toBe(body)
    expect(hook.received[0]?.headers['switchyard-event-id']).toBe('evt_1')
  })

  it('retries after a 500 and succeeds on the next attempt', async () => {
    const hook = await receiver([500, 200])
    const result = await sendWebhook({ url: hook.url, secret, body: '{}' }, { retry, timeoutMs: 2000 })
    expect(result.status).toBe('delivered')
    expect(result.attempts.map((a) => a.status)).toEqual([500, 200])
    expect(hook.received.every((r) => r.signatureValid)).toBe(true)
  })

  it('does not retry after a 400', async () => {
    const hook = await receiver([400, 200])
    const result = await sendWebhook({ url: hook.url, secret, body: '{}' }, { retry, timeoutMs: 2000 })
    expect(result.status).toBe('rejected')
    expect(result.attempts).toHaveLength(1)
    expect(hook.received).toHaveLength(1)
  })

  it('gives up after the last attempt when the endpoint keeps failing', async () => {
    const hook = await receiver([503])
    const result = await sendWebhook({ url: hook.url, secret, body: '{}' }, { retry, timeoutMs: 2000 })
    expect(result.status).toBe('failed')
    expect(hook.received).toHaveLength(3)
  })

  it('retries an attempt that times out', async () => {
    const hook = await receiver([200], 300)
    const result = await sendWebhook(
      { url: hook.url, secret, body: '{}' },
      { retry: { ...retry, attempts: 2 }, timeoutMs: 50 },
    )
    expect(result.status).toBe('failed')
    expect(result.attempts.map((a) => a.error)).toEqual(['timed out after 50ms', 'timed out after 50ms'])
  })

  it('records a network error when nothing listens', async () => {
    const hook = await receiver([200])
    await hook.close()
    const result = await sendWebhook(
      { url: hook.url, secret, body: '{}' },
      { retry: { ...retry, attempts: 1 }, timeoutMs: 500 },
    )
    expect(result.status).toBe('failed')
    expect(result.attempts[0]?.error).toMatch(/ECONNREFUSED/)
  })

  it('does not follow a redirect: the 3xx ends the delivery and the other server gets nothing', async () => {
    const hook = await receiver([200])
    const redirector = createServer((_req, res) => res.writeHead(307, { location: hook.url }).end())
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    closers.push(() => new Promise((resolve) => redirector.close(() => resolve())))
    const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`
    const result = await sendWebhook({ url, secret, body: '{}' }, { retry, timeoutMs: 2000 })
    expect(result.status).toBe('rejected')
    expect(result.attempts.map((a) => a.status)).toEqual([307])
    expect(hook.received).toHaveLength(0)
  })

  it('with a guard, fails at once without retrying or connecting when the target is a refused address', async () => {
    const hook = await receiver([200])
    const guard = new TargetGuard({ allowPrivateNetworks: false, allowedHosts: [] })
    const byName = hook.url.replace('127.0.0.1', 'localhost')
    for (const url of [hook.url, byName]) {
      const result = await sendWebhook({ url, secret, body: '{}' }, { retry, timeoutMs: 2000, guard })
      expect(result.status).toBe('failed')
      expect(result.attempts).toHaveLength(1)
      expect(result.attempts[0]?.error).toMatch(/127\.0\.0\.1.* loopback address/)
    }
    expect(hook.received).toHaveLength(0)
    const allowed = new TargetGuard({ allowPrivateNetworks: false, allowedHosts: ['localhost'] })
    const result = await sendWebhook(
      { url: byName, secret, body: '{}' },
      { retry, timeoutMs: 2000, guard: allowed },
    )
    expect(result.status).toBe('delivered')
    expect(hook.received).toHaveLength(1)
  })
})
