import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Context } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { createTracingMiddleware, type TraceContext } from './tracing-middleware.js'

const servers: ReturnType<typeof createServer>[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((done) => server.close(done))
})

/**
 * The middleware served as `@hono/node-server` serves it (the Node request and response in `c.env`), around a
 * handler that answers with the correlation id it sees.
 */
async function serveOverNode(): Promise<string> {
  const storage = new AsyncLocalStorage<TraceContext>()
  const middleware = createTracingMiddleware(storage, {
    correlationHeader: 'X-Correlation-ID',
    timingHeader: 'X-Processing-Time',
    trustIncoming: true,
  })
  const server = createServer((req, res) => {
    // A request object the middleware must not need: the headers come from the Node request.
    const c = new Context(new Request('http://local/'), { env: { incoming: req, outgoing: res } })
    void middleware(c, async () => {
      res.setHeader('x-seen', storage.getStore()?.correlationId ?? 'none')
    }).then(() => res.end())
  })
  servers.push(server)
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

describe('createTracingMiddleware over a Node response', () => {
  it('reads the caller id from the Node request and answers both headers on the Node response', async () => {
    const url = await serveOverNode()
    const kept = await fetch(url, { headers: { 'x-correlation-id': 'checkout-7' } })
    expect(kept.headers.get('x-correlation-id')).toBe('checkout-7')
    expect(kept.headers.get('x-seen')).toBe('checkout-7')
    expect(kept.headers.get('x-processing-time')).toMatch(/^\d+\.\d{3}ms$/)

    const fresh = await fetch(url)
    expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(fresh.headers.get('x-seen')).toBe(fresh.headers.get('x-correlation-id'))
  })
})

describe('createTracingMiddleware in Node form (node)', () => {
  it('does the same on a Node request and response, the headers set before the answer is written', async () => {
    const storage = new AsyncLocalStorage<TraceContext>()
    const { node } = createTracingMiddleware(storage, {
      correlationHeader: 'X-Correlation-ID',
      timingHeader: 'X-Processing-Time',
      trustIncoming: true,
    })
    const server = createServer((req, res) => {
      let seen = 'none'
      void node(req, res, async () => {
        seen = storage.getStore()?.correlationId ?? 'none'
      }).then(() => res.writeHead(200, ['x-seen', seen]).end())
    })
    servers.push(server)
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    const kept = await fetch(url, { headers: { 'x-correlation-id': 'checkout-8' } })
    expect(kept.headers.get('x-correlation-id')).toBe('checkout-8')
    expect(kept.headers.get('x-seen')).toBe('checkout-8')
    expect(kept.headers.get('x-processing-time')).toMatch(/^\d+\.\d{3}ms$/)
    const fresh = await fetch(url, { headers: { 'x-correlation-id': 'bad value!' } })
    expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})
