import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, testConfig } from './support/test-server.js'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer(
    testConfig({ plugins: { recorder: {}, greeter: { enabled: false }, flaky: { enabled: false } } }),
  )
})
afterAll(() => t.close())

/** Reads SSE messages from a response body until `count` data messages arrived. */
async function readMessages(
  res: Response,
  count: number,
  onReady: () => Promise<void>,
): Promise<{ id: string; data: { type: string } }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  const messages: { id: string; data: { type: string } }[] = []
  let buffer = ''
  let ready = false
  while (messages.length < count) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += value
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      end = buffer.indexOf('\n\n')
      if (block.startsWith(': subscribed') && !ready) {
        ready = true
        await onReady()
        continue
      }
      const fields = Object.fromEntries(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      )
      if (fields.data) messages.push({ id: fields.id!, data: JSON.parse(fields.data) })
    }
  }
  await reader.cancel()
  return messages
}

const publish = (type: string) =>
  t.request('/api/v1/events', {
    as: 'publish',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type }),
  })

describe('GET /api/v1/events/stream', () => {
  it('streams accepted events matching the pattern as SSE messages', async () => {
    const res = await t.request('/api/v1/events/stream?pattern=order.**', { as: 'read' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const ids: string[] = []
    const messages = await readMessages(res, 2, async () => {
      for (const type of ['order.created', 'user.created', 'order.item.added']) {
        const body = (await (await publish(type)).json()) as { id: string }
        ids.push(body.id)
      }
    })
    expect(messages.map((m) => m.data.type)).toEqual(['order.created', 'order.item.added'])
    expect(messages.map((m) => m.id)).toEqual([ids[0], ids[2]])
  })

  it('streams CloudEvents 1.0 with format=cloudevents, beside a JSON client of the same pattern', async () => {
    const cloud = await t.request('/api/v1/events/stream?pattern=order.*&format=cloudevents', { as: 'read' })
    const plain = await t.request('/api/v1/events/stream?pattern=order.*', { as: 'read' })
    let id = ''
    const [cloudMessages, plainMessages] = await Promise.all([
      readMessages(cloud, 1, async () => {}),
      readMessages(plain, 1, async () => {
        id = ((await (await publish('order.shipped')).json()) as { id: string }).id
      }),
    ])
    expect(cloudMessages[0]?.data).toMatchObject({
      specversion: '1.0',
      id,
      type: 'order.shipped',
      source: expect.any(String),
      time: expect.any(String),
    })
    expect(plainMessages[0]?.data).toMatchObject({ id, type: 'order.shipped', metadata: expect.any(Object) })
    expect(plainMessages[0]?.data).not.toHaveProperty('specversion')
  })

  it('refuses an unknown format with 400 naming it', async () => {
    const res = await t.request('/api/v1/events/stream?format=xml', { as: 'read' })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/format/)
  })

  it('rejects an invalid pattern with 400', async () => {
    const res = await t.request('/api/v1/events/stream?pattern=order.**.x', { as: 'read' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('E_INVALID_PATTERN')
  })

  it('needs the read scope', async () => {
    expect((await t.request('/api/v1/events/stream', { as: null })).status).toBe(401)
  })
})
