import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, TOKENS, testConfig, waitFor } from './support/test-server.js'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer(testConfig({ plugins: { recorder: {}, greeter: {}, flaky: { enabled: false } } }))
})
afterAll(() => t.close())

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
})

async function ledger(id: string, on: TestServer = t) {
  return waitFor(async () => {
    const res = await on.request(`/api/v1/events/${id}/deliveries`, { as: 'read' })
    if (res.status !== 200) return undefined
    const body = (await res.json()) as { deliveries: { handler: string; status: string }[] }
    return body.deliveries.every((d) => d.status !== 'pending' && d.status !== 'retrying') ? body : undefined
  })
}

// Ingest is answered on the Node request; a plugin's http.middleware (greeter's) wraps it when contributed:
// every behaviour is checked with and without.
const INGEST_PATHS = [
  { path: 'inside plugin http.middleware', greeter: {}, wrapped: true },
  { path: 'without plugin middleware', greeter: { enabled: false }, wrapped: false },
]

describe.each(INGEST_PATHS)('POST /api/v1/events $path', ({ greeter, wrapped }) => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(testConfig({ plugins: { recorder: {}, greeter, flaky: { enabled: false } } }))
  })
  afterAll(() => s.close())

  it('takes the expected path: plugin middleware wraps ingest only when one is contributed', async () => {
    const res = await s.request('/api/v1/events', { as: 'publish', ...json({ type: 'order.created' }) })
    expect(res.status).toBe(202)
    expect(res.headers.get('x-greeter')).toBe(wrapped ? 'hello' : null)
  })

  it('is served in process too (server.fetch, no socket), inside the same middleware', async () => {
    const res = await s.server.fetch(
      new Request(`${s.url}/api/v1/events`, {
        ...json({ type: 'order.created' }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.publish}` },
      }),
    )
    expect(res.status).toBe(202)
    expect(res.headers.get('x-greeter')).toBe(wrapped ? 'hello' : null)
  })

  it('answers 401 without or with an unknown token and 403 with a token lacking publish', async () => {
    const body = json({ type: 'order.created' })
    const answers = [
      await s.request('/api/v1/events', { as: null, ...body }),
      await s.request('/api/v1/events', {
        as: null,
        ...body,
        headers: { ...body.headers, authorization: 'Bearer nope' },
      }),
      await s.request('/api/v1/events', { as: 'read', ...body }),
    ]
    const codes = await Promise.all(
      answers.map(async (res) => [
        res.status,
        ((await res.json()) as { error: { code: string } }).error.code,
      ]),
    )
    expect(codes).toEqual([
      [401, 'E_UNAUTHORIZED'],
      [401, 'E_UNAUTHORIZED'],
      [403, 'E_FORBIDDEN'],
    ])
  })

  it('accepts a plain JSON event with 202 and its id, then delivers it', async () => {
    const res = await s.request('/api/v1/events', {
      as: 'publish',
      ...json({ type: 'order.created', data: { n: 1 } }),
    })
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as { id: string }
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    const body = await ledger(id, s)
    expect(body.deliveries).toEqual([
      expect.objectContaining({ handler: 'recorder', status: 'succeeded', attempts: 1 }),
    ])
  })

  it('accepts a CloudEvent in structured mode and keeps its id and source', async () => {
    const cloudEvent = {
      specversion: '1.0',
      id: 'ce-structured-1',
      source: '/shop',
      type: 'order.paid',
      data: { total: 3 },
    }
    const res = await s.request('/api/v1/events', {
      as: 'publish',
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(cloudEvent),
    })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ id: 'ce-structured-1' })
    await ledger('ce-structured-1', s)
    const recorded = (await (await s.request('/plugins/recorder/events', { as: 'read' })).json()) as {
      events: { id: string; source: string; data: unknown }[]
    }
    expect(recorded.events.find((e) => e.id === 'ce-structured-1')).toMatchObject({
      source: '/shop',
      data: { total: 3 },
    })
  })

  it('accepts a CloudEvent in binary mode (ce-* headers, data as the body)', async () => {
    const res = await s.request('/api/v1/events', {
      as: 'publish',
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'ce-binary-1',
        'ce-source': '/shop',
        'ce-type': 'order.shipped',
      },
      body: JSON.stringify({ carrier: 'dhl' }),
    })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ id: 'ce-binary-1' })
    const recorded = await waitFor(async () => {
      const body = (await (await s.request('/plugins/recorder/events', { as: 'read' })).json()) as {
        events: { id: string; type: string; data: unknown }[]
      }
      return body.events.find((e) => e.id === 'ce-binary-1')
    })
    expect(recorded).toMatchObject({ type: 'order.shipped', data: { carrier: 'dhl' } })
  })

  it('answers 400 E_INVALID_JSON for a malformed body', async () => {
    const res = await s.request('/api/v1/events', {
      as: 'publish',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":',
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: { code: 'E_INVALID_JSON', message: expect.stringContaining('not valid JSON') },
    })
  })

  it('answers 400 E_VALIDATION naming the path of a body that breaks the schema', async () => {
    const res = await s.request('/api/v1/events', { as: 'publish', ...json({ type: 42, extra: true }) })
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('E_VALIDATION')
    expect(error.message).toContain('body.type: must be a string, got 42')
  })

  it('says what is wrong in a sentence: an empty type must not be empty', async () => {
    const res = await s.request('/api/v1/events', { as: 'publish', ...json({ type: '' }) })
    expect(await res.json()).toMatchObject({
      error: { code: 'E_VALIDATION', message: 'body.type: must not be empty' },
    })
  })

  it('answers 400 E_EVENT_VALIDATION for a bad event type and for a bad binary CloudEvent', async () => {
    const res = await s.request('/api/v1/events', { as: 'publish', ...json({ type: 'Not A Type' }) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_EVENT_VALIDATION')
    const binary = await s.request('/api/v1/events', {
      as: 'publish',
      method: 'POST',
      headers: { 'ce-specversion': '1.0', 'ce-type': 'order.x', 'content-type': 'application/json' },
      body: '{}',
    })
    expect(binary.status).toBe(400)
  })

  it('answers 413 E_BODY_TOO_LARGE past server.body_limit_bytes, with and without content-length', async () => {
    const big = JSON.stringify({ type: 'order.created', data: 'x'.repeat(5000) })
    const res = await s.request('/api/v1/events', {
      as: 'publish',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    })
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_BODY_TOO_LARGE')
    const chunks = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big))
        controller.close()
      },
    })
    const streamed = await s.request('/api/v1/events', {
      as: 'publish',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
  })

  it('answers 415 for a content type it does not take', async () => {
    const res = await s.request('/api/v1/events', {
      as: 'publish',
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    })
    expect(res.status).toBe(415)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_UNSUPPORTED_MEDIA_TYPE')
  })
})

describe('POST /api/v1/events/explain', () => {
  it('says which handlers an event would reach and why, without publishing it', async () => {
    const res = await t.request('/api/v1/events/explain', {
      as: 'read',
      ...json({ type: 'greeting.sent', data: { vip: false } }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      type: string
      handlers: { handler: string; reached: boolean; reason: string }[]
    }
    expect(body.type).toBe('greeting.sent')
    const byName = Object.fromEntries(body.handlers.map((h) => [h.handler, h]))
    expect(byName.recorder).toMatchObject({ reached: true })
    expect(byName.greeter_vip).toMatchObject({ reached: false })
    expect(byName.greeter_vip?.reason).toMatch(/filter/)
  })
})

describe('GET /api/v1/events/{id}/deliveries', () => {
  it('answers 404 E_NOT_FOUND for an unknown event', async () => {
    const res = await t.request('/api/v1/events/no-such-event/deliveries', { as: 'read' })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_NOT_FOUND')
  })
})

describe('GET /api/v1/events/catalog', () => {
  it('answers the catalog as JSON', async () => {
    const res = await t.request('/api/v1/events/catalog', { as: 'read' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/json')
  })
})

describe('unknown routes and request ids', () => {
  it('answers 404 E_ROUTE_NOT_FOUND as JSON', async () => {
    const res = await t.request('/api/v1/nothing-here')
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_ROUTE_NOT_FOUND')
  })

  it('echoes a sane X-Request-Id and makes one otherwise', async () => {
    const mine = await t.request('/healthz', { headers: { 'x-request-id': 'abc-123' } })
    expect(mine.headers.get('x-request-id')).toBe('abc-123')
    const made = await t.request('/healthz', { headers: { 'x-request-id': 'bad id\twith spaces' } })
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    // On accepted events, errors and plugin routes alike, once.
    const answers = [
      await t.request('/api/v1/events', {
        as: 'publish',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'ingest-1' },
        body: JSON.stringify({ type: 'order.created', data: {} }),
      }),
      await t.request('/api/v1/events', {
        as: null,
        method: 'POST',
        headers: { 'x-request-id': 'ingest-1' },
      }),
      await t.request('/api/v1/nothing-here', { headers: { 'x-request-id': 'ingest-1' } }),
      await t.request('/plugins/greeter/hello', { headers: { 'x-request-id': 'ingest-1' } }),
    ]
    expect(answers.map((res) => [res.status, res.headers.get('x-request-id')])).toEqual([
      [202, 'ingest-1'],
      [401, 'ingest-1'],
      [404, 'ingest-1'],
      [200, 'ingest-1'],
    ])
  })
})
