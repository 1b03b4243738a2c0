import type { Event } from '@switchyard/plugin-sdk'
import { definePlugin } from '@switchyard/plugin-sdk'
import { createTestHost, type TestHost } from '@switchyard/testing'
import { Hono, type MiddlewareHandler } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { requestTracingPlugin } from './request-tracing-plugin.js'

/** A plugin whose route publishes an event, as a service's API would while handling a request. */
const ordersPlugin = definePlugin({
  name: 'orders',
  version: '1.0.0',
  permissions: ['events:publish', 'http:routes'],
  setup(ctx) {
    ctx.routes.post('/', async (c) => {
      const explicit = c.req.query('correlation')
      const init = explicit ? { metadata: { correlationId: explicit } } : undefined
      await ctx.publish('order.created', { orderId: 'o-1' }, init)
      return c.json({ ok: true }, 201)
    })
  },
})

const hosts: TestHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

/** The host's plugins behind a Hono app that applies http.middleware contributions in order, as the server does. */
async function start(config: Record<string, unknown> = {}) {
  const host = await createTestHost({
    plugins: [requestTracingPlugin, ordersPlugin],
    config: { 'request-tracing': config },
  })
  hosts.push(host)
  const app = new Hono()
  for (const { fn } of host.bus.extensions.contributions('http.middleware'))
    app.use(fn as unknown as MiddlewareHandler)
  app.all('*', async (c) => host.request(new URL(c.req.url).pathname + new URL(c.req.url).search, c.req.raw))
  const call = (headers: Record<string, string> = {}, query = '') =>
    app.request(`/plugins/orders${query}`, { method: 'POST', headers })
  const published = (): Event[] => host.events.filter((event) => event.type === 'order.created')
  return { host, call, published }
}

describe('request-tracing plugin', () => {
  it('answers with a new correlation id and the processing time, and stamps the id on published events', async () => {
    const { call, published } = await start()
    const res = await call()
    expect(res.status).toBe(201)
    const id = res.headers.get('x-correlation-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.headers.get('x-processing-time')).toMatch(/^\d+\.\d{3}ms$/)
    expect(published()[0]?.metadata.correlationId).toBe(id)
  })

  it('propagates a well-formed incoming id and replaces a malformed one', async () => {
    const { call, published } = await start()
    const kept = await call({ 'X-Correlation-ID': 'checkout-42' })
    expect(kept.headers.get('x-correlation-id')).toBe('checkout-42')
    expect(published()[0]?.metadata.correlationId).toBe('checkout-42')

    const replaced = await call({ 'X-Correlation-ID': 'x'.repeat(200) })
    expect(replaced.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(published()[1]?.metadata.correlationId).toBe(replaced.headers.get('x-correlation-id'))
  })

  it('keeps a correlation id the publisher set, and leaves events outside a request alone', async () => {
    const { host, call, published } = await start()
    await call({ 'X-Correlation-ID': 'from-header' }, '?correlation=from-publisher')
    expect(published()[0]?.metadata.correlationId).toBe('from-publisher')
    await host.publish('order.created', { orderId: 'o-2' })
    expect(published()[1]?.metadata.correlationId).toBeUndefined()
  })

  it('uses the configured header names and ignores the caller id when trust_incoming is off', async () => {
    const { call } = await start({
      correlation_header: 'X-Request-ID',
      timing_header: 'Server-Timing-Ms',
      trust_incoming: false,
    })
    const res = await call({ 'X-Request-ID': 'caller-id' })
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.headers.get('server-timing-ms')).toMatch(/ms$/)
    expect(res.headers.get('x-correlation-id')).toBeNull()
  })

  it('removes its contributions when stopped', async () => {
    const { host } = await start()
    const owners = () => host.bus.extensions.list().flatMap((p) => p.contributions.map((c) => c.owner))
    expect(owners()).toContain('request-tracing')
    await host.stop()
    hosts.pop()
    expect(owners()).not.toContain('request-tracing')
  })
})
