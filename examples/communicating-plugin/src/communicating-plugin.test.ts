import { type DataEntry, myFirstPlugin } from '@switchyard/example-my-first-plugin'
import { createTestHost, type TestHost } from '@switchyard/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { communicatingPlugin } from './communicating-plugin.js'

const hosts: TestHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

async function start() {
  const host = await createTestHost({ plugins: [myFirstPlugin, communicatingPlugin] })
  hosts.push(host)
  return host
}

describe('communicating-plugin', () => {
  it("reads my-first-plugin's entries through its provided getData", async () => {
    const host = await start()
    const created = await host.request('/plugins/my-first-plugin/data', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shared', value: 'hello' }),
    })
    const entry = (await created.json()) as DataEntry
    const res = await host.request(`/plugins/communicating-plugin/data/${entry.id}`)
    expect(await res.json()).toEqual({ from: 'my-first-plugin', entry })
    expect((await host.request('/plugins/communicating-plugin/data/nope')).status).toBe(404)
  })

  it('keeps running while my-first-plugin is disabled and answers 503 with the reason', async () => {
    const host = await start()
    await host.host.disable('my-first-plugin')
    expect(host.plugin('communicating-plugin')).toMatchObject({
      state: 'started',
      warnings: ['optional dependency "my-first-plugin" is not running'],
    })
    const res = await host.request('/plugins/communicating-plugin/data/any')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({
      error: {
        code: 'E_PROVIDER_UNAVAILABLE',
        message: 'plugin "my-first-plugin" is disabled: its provided functions cannot be called',
      },
    })
  })

  it('broadcasts a message to every plugin as an event', async () => {
    const host = await start()
    const res = await host.request('/plugins/communicating-plugin/broadcast', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'everyone' }),
    })
    expect(res.status).toBe(202)
    const event = host.events.find((e) => e.type === 'plugin.message.broadcast')
    expect(event).toMatchObject({
      source: 'communicating-plugin',
      data: { source: 'communicating-plugin', message: { hello: 'everyone' } },
    })
  })
})
