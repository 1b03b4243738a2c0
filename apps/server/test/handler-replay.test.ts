import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './support/run-cli.js'
import { startTestServer, type TestServer, TOKENS, testConfig } from './support/test-server.js'

const HOUR = 3_600_000

/** Publishes a CloudEvent whose `time` is `hoursAgo` back; resolves to its id. */
async function publishAt(t: TestServer, n: number, hoursAgo: number): Promise<string> {
  const id = `replay-${n}-${Date.now()}`
  const res = await t.request('/api/v1/events', {
    as: 'publish',
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({
      specversion: '1.0',
      id,
      source: '/shop',
      type: 'order.created',
      time: new Date(Date.now() - hoursAgo * HOUR).toISOString(),
      data: { n },
    }),
  })
  expect(res.status).toBe(202)
  return id
}

const recorded = async (t: TestServer): Promise<string[]> => {
  const body = (await (await t.request('/plugins/recorder/events', { as: 'read' })).json()) as {
    events: { id: string }[]
  }
  return body.events.map((e) => e.id)
}

describe('replay to a handler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-replay-'))
  let t: TestServer
  let day: string[]
  beforeAll(async () => {
    // a day of events while no handler takes them, on SQLite
    t = await startTestServer(
      testConfig({
        plugins: { recorder: { enabled: false }, flaky: { enabled: false }, greeter: { enabled: false } },
        storage: { driver: 'sqlite', path: join(dir, 'replay.db') },
      }),
    )
    await publishAt(t, 0, 30)
    day = []
    for (let n = 1; n <= 24; n++) day.push(await publishAt(t, n, 24 - n + 0.5))
    expect((await t.request('/api/v1/events/plugins/recorder/enable', { method: 'POST' })).status).toBe(200)
  }, 60_000)
  afterAll(async () => {
    await t.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs the last 24 h of stored events through a new handler (CLI), oldest first', async () => {
    const run = await runCli(['handlers', 'replay', 'recorder', '--since', '24h'], {
      SWITCHYARD_TOKEN: TOKENS.admin,
      SWITCHYARD_URL: t.url,
    })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^recorder: 24 events replayed \(.* to .*\): 24 succeeded\n$/)
    expect(await recorded(t)).toEqual(day)
  }, 60_000)

  it('streams progress over SSE and bypasses idempotency only when asked', async () => {
    const replay = async (body: Record<string, unknown>) => {
      const res = await t.request('/api/v1/handlers/recorder/replay', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(body),
      })
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const messages = (await res.text()).split('\n\n').filter((block) => block.includes('data:'))
      const events = messages.map((block) => ({
        event: /event: (\w+)/.exec(block)?.[1],
        data: JSON.parse(/data: (.*)/.exec(block)![1]!) as Record<string, unknown>,
      }))
      return { progress: events.filter((m) => m.event === 'progress'), result: events.at(-1)! }
    }
    const again = await replay({ since: '24h' })
    expect(again.progress).toHaveLength(24)
    expect(again.progress[0]?.data).toMatchObject({ eventId: day[0], status: 'skipped_duplicate', done: 1 })
    expect(again.result).toMatchObject({
      event: 'result',
      data: { status: 200, body: { statuses: { skipped_duplicate: 24 } } },
    })
    const anew = await replay({ since: '24h', bypassIdempotency: true, type: 'order.*' })
    expect(anew.result.data).toMatchObject({ body: { replayed: 24, statuses: { succeeded: 24 } } })
    expect(await recorded(t)).toEqual([...day, ...day])
  }, 60_000)

  it('answers 400 naming the field for a bad window, 404 for an unknown handler', async () => {
    const post = (name: string, body: unknown) =>
      t.request(`/api/v1/handlers/${name}/replay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const answers: [number, string][] = []
    for (const [name, body] of [
      ['recorder', { since: 'yesterday' }],
      ['recorder', { since: '1h', until: '2h' }],
      ['recorder', { since: '1h', type: 'Order.*' }],
      ['recorder', {}],
      ['nobody', { since: '1h' }],
    ] as const) {
      const res = await post(name, body)
      answers.push([res.status, ((await res.json()) as { error: { message: string } }).error.message])
    }
    expect(answers).toEqual([
      [400, expect.stringMatching(/^body\.since: expected an RFC 3339 date-time .* or a duration/)],
      [400, expect.stringMatching(/^until: expected a moment after since/)],
      [400, expect.stringMatching(/^type: /)],
      [400, expect.stringMatching(/since/)],
      [404, expect.stringMatching(/handler nobody/)],
    ])
  }, 60_000)
})
