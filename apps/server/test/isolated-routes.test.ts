import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, testConfig } from './support/test-server.js'

let t: TestServer

beforeAll(async () => {
  // body_limit_bytes is 4096 in every test server.
  t = await startTestServer(testConfig({ plugins: { recorder: { isolation: 'worker' } } }))
}, 60_000)
afterAll(async () => {
  await t?.close()
})

/** A body sent in chunks, without content-length: the limit can only be applied as it streams. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.byteLength; at += 1000) controller.enqueue(bytes.subarray(at, at + 1000))
      controller.close()
    },
  })
}

const echo = (body: string) =>
  t.request('/plugins/recorder/echo', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: chunked(body),
    duplex: 'half',
  } as RequestInit)

describe('routes of a plugin in a worker sandbox', { timeout: 30_000 }, () => {
  it('streams a chunked request body into the sandbox and the answer back', async () => {
    const body = JSON.stringify({ text: 'y'.repeat(3000) })
    const res = await echo(body)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(body)
  })

  it('cuts off a chunked upload past server.body_limit_bytes with 413 E_BODY_TOO_LARGE', async () => {
    const res = await echo(JSON.stringify({ text: 'z'.repeat(10_000) }))
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_BODY_TOO_LARGE')
    // The sandbox is still there for the next request.
    expect((await echo('{"ok":true}')).status).toBe(200)
  })
})
