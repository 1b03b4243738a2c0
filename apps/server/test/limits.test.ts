import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, TOKENS, testConfig } from './support/test-server.js'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer(
    testConfig({
      server: { host: '127.0.0.1', port: 0, body_limit_bytes: 1_048_576 },
      plugins: { recorder: {}, greeter: { enabled: false }, flaky: { enabled: false } },
      limits: {
        json_depth: 4,
        event_type_length: 20,
        metadata_string_length: 16,
        sse_clients: 2,
        sse_client_buffer_bytes: 65_536,
      },
    }),
  )
})
afterAll(() => t.close())

const post = (body: unknown, contentType = 'application/json') =>
  t.request('/api/v1/events', {
    as: 'publish',
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

async function refused(res: Response): Promise<{ status: number; code: string; message: string }> {
  const { error } = (await res.json()) as { error: { code: string; message: string } }
  return { status: res.status, ...error }
}

const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)])

describe('input limits over HTTP', () => {
  it('limits.json_depth: data 4 deep is accepted, 5 deep is a 400 naming the limit', async () => {
    expect((await post({ type: 'deep.ok', data: nested(4) })).status).toBe(202)
    expect(await refused(await post({ type: 'deep.no', data: nested(5) }))).toEqual({
      status: 400,
      code: 'E_LIMIT_JSON_DEPTH',
      message: 'body: nested 5 levels deep or more, more than the limit of 4 (limits.json_depth)',
    })
    const ce = { specversion: '1.0', id: 'c1', source: 's', type: 'deep.ce', data: nested(5) }
    expect((await refused(await post(ce, 'application/cloudevents+json'))).code).toBe('E_LIMIT_JSON_DEPTH')
  })

  it('refuses JSON 100,000 deep with a 400, not a 500 or a stack overflow', async () => {
    const text = `{"type":"deep.huge","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`
    expect((await refused(await post(text))).code).toBe('E_LIMIT_JSON_DEPTH')
    expect((await t.request('/readyz', { as: null })).status).toBe(200)
  })

  it('limits.event_type_length: 20 characters accepted, 21 a 400', async () => {
    expect((await post({ type: 'a'.repeat(20) })).status).toBe(202)
    const answer = await refused(await post({ type: 'a'.repeat(21) }))
    expect(answer).toMatchObject({ status: 400, code: 'E_LIMIT_EVENT_TYPE' })
    expect(answer.message).toContain('more than the limit of 20 (limits.event_type_length)')
    expect((await refused(await post({ type: 'a'.repeat(500_000) }))).code).toBe('E_LIMIT_EVENT_TYPE')
  })

  it('limits.metadata_string_length: a 16-character idempotency key accepted, 17 or CR/LF a 400', async () => {
    expect((await post({ type: 'meta.ok', metadata: { idempotencyKey: 'k'.repeat(16) } })).status).toBe(202)
    const long = await refused(await post({ type: 'meta.no', metadata: { idempotencyKey: 'k'.repeat(17) } }))
    expect(long).toMatchObject({ status: 400, code: 'E_LIMIT_METADATA' })
    expect(long.message).toContain('more than the limit of 16 (limits.metadata_string_length)')
    const crlf = await refused(await post({ type: 'meta.no', metadata: { idempotencyKey: 'a\r\nb' } }))
    expect(crlf).toMatchObject({ status: 400, code: 'E_LIMIT_METADATA' })
  })

  it('limits.sse_clients: two streams open, the third is a 503 until one closes', async () => {
    const open = () => t.request('/api/v1/events/stream', { as: 'read' })
    const first = await open()
    const second = await open()
    expect([first.status, second.status]).toEqual([200, 200])
    const third = await refused(await open())
    expect(third).toMatchObject({ status: 503, code: 'E_LIMIT_SSE_CLIENTS' })
    expect(third.message).toContain('2 event streams are open already, the limit (limits.sse_clients)')
    await first.body!.cancel()
    let status = 0
    for (let i = 0; i < 50 && status !== 200; i++) {
      const res = await open()
      status = res.status
      await res.body?.cancel()
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(status).toBe(200)
    await second.body!.cancel()
  })

  it('limits.sse_client_buffer_bytes: a client that does not read is dropped; publishing does not wait for it', async () => {
    const { port } = new URL(t.url)
    const socket = connect(Number(port), '127.0.0.1')
    socket.write(
      `GET /api/v1/events/stream HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKENS.read}\r\n\r\n`,
    )
    await new Promise((resolve) => socket.once('data', resolve))
    socket.pause() // reads nothing more: the kernel buffers fill, then the server's queue
    const closed = new Promise((resolve) => socket.once('close', resolve))
    const data = { blob: 'x'.repeat(60_000) }
    const started = performance.now()
    for (let i = 0; i < 300; i++) expect((await post({ type: 'bulk.item', data })).status).toBe(202)
    const perPublishMs = (performance.now() - started) / 300
    socket.resume() // drain what was sent: the stream then ends, since the server dropped it
    await closed
    expect(perPublishMs).toBeLessThan(50)
  }, 30_000)
})
