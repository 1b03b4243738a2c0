import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, testConfig } from './support/test-server.js'

interface EventPage {
  events: { id: string; type: string; data?: unknown }[]
  next?: string
}

describe('GET /api/v1/events: stored events on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-event-list-'))
  let t: TestServer
  const ids: Record<string, string[]> = { 'order.created': [], 'order.shipped': [], 'user.signed_up': [] }
  beforeAll(async () => {
    t = await startTestServer(
      testConfig({
        plugins: { recorder: { enabled: false }, flaky: { enabled: false }, greeter: { enabled: false } },
        storage: { driver: 'sqlite', path: join(dir, 'events.db') },
      }),
    )
    for (let n = 0; n < 3; n++) {
      for (const type of Object.keys(ids)) {
        const res = await t.request('/api/v1/events', {
          as: 'publish',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type, source: '/test', data: { n } }),
        })
        expect(res.status).toBe(202)
        ids[type]!.push(((await res.json()) as { id: string }).id)
      }
    }
  }, 60_000)
  afterAll(async () => {
    await t.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const list = async (query: string): Promise<EventPage> => {
    const res = await t.request(`/api/v1/events?${query}`, { as: 'read' })
    expect(res.status).toBe(200)
    return (await res.json()) as EventPage
  }

  it('lists the events of one type, oldest first, with their payload', async () => {
    const page = await list('type=order.created')
    expect(page.events.map((e) => e.id)).toEqual(ids['order.created'])
    expect(page.events.map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }])
    expect(page.next).toBeUndefined()
  })

  it('matches a type pattern', async () => {
    const page = await list('type=order.*&since=1h')
    expect(page.events.map((e) => e.type)).toEqual([
      'order.created',
      'order.shipped',
      'order.created',
      'order.shipped',
      'order.created',
      'order.shipped',
    ])
  })

  it('pages with after=next until the last page', async () => {
    const seen: string[] = []
    let query = 'type=order.**&limit=4'
    for (;;) {
      const page = await list(query)
      seen.push(...page.events.map((e) => e.id))
      if (page.next === undefined) break
      query = `type=order.**&limit=4&after=${page.next}`
    }
    const expected = [0, 1, 2].flatMap((n) => [ids['order.created']![n]!, ids['order.shipped']![n]!])
    expect(seen).toEqual(expected)
  })

  it('answers 400 naming the field for a bad since, type or limit', async () => {
    for (const [query, field] of [
      ['since=yesterday', 'query.since'],
      ['type=Order..x', 'query.type'],
      ['limit=501', 'limit'],
    ] as const) {
      const res = await t.request(`/api/v1/events?${query}`, { as: 'read' })
      expect(res.status).toBe(400)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('E_VALIDATION')
      expect(body.error.message).toContain(field)
    }
  })

  it('needs a token', async () => {
    const res = await fetch(`${t.url}/api/v1/events`)
    expect(res.status).toBe(401)
  })
})
