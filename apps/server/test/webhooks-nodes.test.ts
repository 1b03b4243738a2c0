import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { FIXTURE_PLUGINS, startTestServer, type TestServer, testConfig } from './support/test-server.js'

// The first-party plugins, built (`pnpm build`): webhooks alone is started, with the recorder fixture beside it.
const PLUGINS_DIR = fileURLToPath(new URL('../../../plugins', import.meta.url))
const REFRESH_MS = 200

let dir: string
let nodes: TestServer[]
let receiver: Server
let received: { type: string }[]

/** Two servers on one SQLite file, as two nodes of a deployment sharing their store. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-webhooks-nodes-'))
  received = []
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk))
    req.on('end', () => {
      received.push(JSON.parse(body) as { type: string })
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const off = { enabled: false }
  const config = testConfig({
    plugin_directories: [PLUGINS_DIR, FIXTURE_PLUGINS],
    plugins: {
      webhooks: {
        config: {
          allowed_hosts: ['127.0.0.1'],
          retry: { attempts: 1 },
          subscriptions_refresh_ms: REFRESH_MS,
        },
      },
      'order-notifications': off,
      'audit-log': off,
      'request-tracing': off,
      'health-checks': off,
      'jwt-auth': off,
      flaky: off,
      greeter: off,
    },
    storage: { driver: 'sqlite', path: join(dir, 'switchyard.db') },
  })
  nodes = [await startTestServer(config), await startTestServer(config)]
})

afterAll(async () => {
  for (const node of nodes ?? []) await node.close()
  await new Promise((resolve) => receiver?.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

async function publish(node: TestServer, type: string): Promise<string> {
  const res = await node.request('/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type, data: { n: 1 } }),
  })
  expect(res.status).toBe(202)
  return ((await res.json()) as { id: string }).id
}

/** The handlers of an event's ledger and their status, once the recorder's delivery is in it and none is pending. */
async function ledger(node: TestServer, id: string): Promise<Record<string, string>> {
  return vi.waitFor(async () => {
    const res = await node.request(`/api/v1/events/${id}/deliveries`)
    const { deliveries } = (await res.json()) as { deliveries: { handler: string; status: string }[] }
    const handlers = Object.fromEntries(deliveries.map((d) => [d.handler, d.status]))
    expect(handlers.recorder).toBe('succeeded')
    expect(Object.values(handlers)).not.toContain('pending')
    return handlers
  })
}

describe('webhooks on two nodes sharing one SQLite file', () => {
  it('records no webhook_dispatcher delivery for an event no subscription matches', async () => {
    const handlers = await ledger(nodes[0]!, await publish(nodes[0]!, 'order.created'))
    expect(handlers).toEqual({ recorder: 'succeeded' })
  })

  it('delivers, within subscriptions_refresh_ms, events matching a subscription made on the other node', async () => {
    const [here, there] = nodes as [TestServer, TestServer]
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    const created = await there.request('/plugins/webhooks/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pattern: 'order.*', url, signature: 'switchyard', secret: 'x'.repeat(16) }),
    })
    expect(created.status).toBe(201)
    // The node that made it applies it at once.
    const local = await publish(there, 'order.created')
    expect(await ledger(there, local)).toMatchObject({ webhook_dispatcher: 'succeeded' })

    // The other node, after its next poll of the subscriptions' revision.
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS * 2))
    const remote = await publish(here, 'order.shipped')
    expect(await ledger(here, remote)).toMatchObject({ webhook_dispatcher: 'succeeded' })
    expect(received.map((event) => event.type)).toEqual(['order.created', 'order.shipped'])
    // Still none for an event the subscription does not match.
    expect(await ledger(here, await publish(here, 'user.login'))).toEqual({ recorder: 'succeeded' })
  })
})
