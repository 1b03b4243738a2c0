import { connect } from 'node:net'
import { serve } from '@hono/node-server'
import { noopLogger } from '@switchyard/core'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { RequestAbortedError } from '../errors.js'
import { errorHandler } from './error-response.js'
import { readBodyText } from './request-body.js'
import type { ServerEnv } from './server-env.js'

const LIMIT = 64

/** An app whose `/echo` answers the body text it read; `/peek` lets a middleware read the JSON first. */
function echoApp(): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  app.post('/echo', async (c) => c.text(await readBodyText(c, LIMIT)))
  app.use('/peek', async (c, next) => {
    c.header('x-peeked', String(((await c.req.json()) as { n: number }).n))
    await next()
  })
  app.post('/peek', async (c) => c.text(await readBodyText(c, LIMIT)))
  app.onError(errorHandler(noopLogger))
  return app
}

let close: (() => void) | undefined
afterEach(() => close?.())

function listen(app: Hono<ServerEnv>): Promise<string> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    )
    close = () => server.close()
  })
}

/** A request body sent as separate chunks with no content-length (chunked transfer encoding). */
const chunked = (...parts: string[]) =>
  ({
    method: 'POST',
    body: new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part))
        controller.close()
      },
    }),
    duplex: 'half',
  }) as RequestInit

describe('readBodyText over a socket', () => {
  it('reads the body from the Node request, whole across chunks and multi-byte characters', async () => {
    const url = await listen(echoApp())
    const res = await fetch(`${url}/echo`, chunked('{"a":"caf', 'é ✓","b":', '2}'))
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('{"a":"café ✓","b":2}')
  })

  it('answers 413 for a declared length past the limit and for a chunked body that grows past it', async () => {
    const url = await listen(echoApp())
    const declared = await fetch(`${url}/echo`, { method: 'POST', body: 'x'.repeat(LIMIT + 1) })
    expect(declared.status).toBe(413)
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('E_BODY_TOO_LARGE')
    const streamed = await fetch(`${url}/echo`, chunked('x'.repeat(40), 'x'.repeat(40)))
    expect(streamed.status).toBe(413)
    // The connection and the server are still good for the next request.
    expect(await (await fetch(`${url}/echo`, { method: 'POST', body: 'ok' })).text()).toBe('ok')
  })

  it('still gets the body when a middleware has read it first', async () => {
    const url = await listen(echoApp())
    const res = await fetch(`${url}/peek`, { method: 'POST', body: '{"n":7}' })
    expect(res.headers.get('x-peeked')).toBe('7')
    expect(await res.text()).toBe('{"n":7}')
  })

  it('fails the request, not the server, when the client leaves mid-body', async () => {
    const app = echoApp()
    let failure: unknown
    app.post('/slow', async (c) => {
      try {
        return c.text(await readBodyText(c, LIMIT))
      } catch (error) {
        failure = error
        throw error
      }
    })
    const url = await listen(app)
    const { port } = new URL(url)
    const socket = connect({ host: '127.0.0.1', port: Number(port) })
    socket.write('POST /slow HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\n\r\n{"half":')
    await new Promise((resolve) => setTimeout(resolve, 50))
    socket.destroy()
    await expect.poll(() => failure).toBeInstanceOf(RequestAbortedError)
    expect(await (await fetch(`${url}/echo`, { method: 'POST', body: 'after' })).text()).toBe('after')
  })
})

describe('readBodyText without a socket (app.fetch)', () => {
  it('reads the Request body and enforces the limit on it', async () => {
    const app = echoApp()
    const ok = await app.fetch(new Request('http://x/echo', { method: 'POST', body: 'plain' }))
    expect(await ok.text()).toBe('plain')
    const big = await app.fetch(new Request('http://x/echo', chunked('y'.repeat(LIMIT), 'y')))
    expect(big.status).toBe(413)
  })
})
