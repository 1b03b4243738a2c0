import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer, testConfig, waitFor } from './support/test-server.js'

let t: TestServer

beforeAll(async () => {
  t = await startTestServer(
    testConfig({ plugins: { flaky: {}, recorder: { enabled: false }, greeter: { enabled: false } } }),
  )
})
afterAll(() => t.close())

interface DeadLetter {
  id: string
  handler: string
  event: { id: string }
}

async function publish(type: string): Promise<string> {
  const res = await t.request('/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type }),
  })
  return ((await res.json()) as { id: string }).id
}

async function deadLetterOf(eventId: string): Promise<DeadLetter> {
  return waitFor(async () => {
    const res = await t.request('/api/v1/dead-letters?handler=flaky_handler', { as: 'read' })
    const { deadLetters } = (await res.json()) as { deadLetters: DeadLetter[] }
    return deadLetters.find((d) => d.event.id === eventId)
  })
}

describe('dead letters API', () => {
  it('lists a failed delivery as a dead letter, pages with limit/after, and gets one by id', async () => {
    const first = await deadLetterOf(await publish('flaky.one'))
    const second = await deadLetterOf(await publish('flaky.two'))
    const page = (await (await t.request('/api/v1/dead-letters?limit=1', { as: 'read' })).json()) as {
      deadLetters: DeadLetter[]
      next: string
    }
    expect(page.deadLetters.map((d) => d.id)).toEqual([first.id])
    expect(page.next).toBe(first.id)
    const rest = (await (
      await t.request(`/api/v1/dead-letters?after=${page.next}`, { as: 'read' })
    ).json()) as { deadLetters: DeadLetter[] }
    expect(rest.deadLetters.map((d) => d.id)).toEqual([second.id])
    const one = await t.request(`/api/v1/dead-letters/${first.id}`, { as: 'read' })
    expect(((await one.json()) as DeadLetter).handler).toBe('flaky_handler')
  })

  it('rejects a bad limit with 400 naming the query key', async () => {
    const res = await t.request('/api/v1/dead-letters?limit=0', { as: 'read' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('query.limit')
  })

  it('replays a dead letter: still failing keeps it, after healing it succeeds and is gone', async () => {
    const deadLetter = await deadLetterOf(await publish('flaky.three'))
    const failing = await t.request(`/api/v1/dead-letters/${deadLetter.id}/replay`, { method: 'POST' })
    expect(failing.status).toBe(200)
    expect(((await failing.json()) as { status: string }).status).not.toBe('succeeded')
    await t.request('/plugins/flaky/heal', { as: 'publish', method: 'POST' })
    const replayed = await t.request(`/api/v1/dead-letters/${deadLetter.id}/replay`, { method: 'POST' })
    expect(await replayed.json()).toMatchObject({ handler: 'flaky_handler', status: 'succeeded' })
    expect((await t.request(`/api/v1/dead-letters/${deadLetter.id}`, { as: 'read' })).status).toBe(404)
  })

  it('deletes a dead letter, 404 the second time', async () => {
    const { deadLetters } = (await (await t.request('/api/v1/dead-letters', { as: 'read' })).json()) as {
      deadLetters: DeadLetter[]
    }
    const [victim] = deadLetters
    expect(victim).toBeDefined()
    expect((await t.request(`/api/v1/dead-letters/${victim!.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await t.request(`/api/v1/dead-letters/${victim!.id}`, { method: 'DELETE' })).status).toBe(404)
  })

  it('needs admin to replay or delete', async () => {
    expect((await t.request('/api/v1/dead-letters/x/replay', { as: 'read', method: 'POST' })).status).toBe(
      403,
    )
    expect((await t.request('/api/v1/dead-letters/x', { as: 'publish', method: 'DELETE' })).status).toBe(403)
  })
})
