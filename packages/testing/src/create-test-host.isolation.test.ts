import { fileURLToPath } from 'node:url'
import { definePlugin } from '@switchyard/plugin-sdk'
import { describe, expect, it } from 'vitest'
import { createTestHost } from './create-test-host.js'

const greeter = { module: fileURLToPath(new URL('../test/fixtures/greeter.mjs', import.meta.url)) }

describe('createTestHost with isolation', () => {
  it.each(['worker', 'process'] as const)(
    'runs a plugin file in a %s sandbox, as the server would',
    async (isolation) => {
      // A sandbox takes seconds to start on a loaded machine.
      const host = await createTestHost({ plugins: [greeter], isolation, startTimeoutMs: 60_000 })
      const report = await host.publish('user.created', { name: 'ada' })
      expect(report.outcomes).toEqual([
        expect.objectContaining({ handler: 'greeter_handler', status: 'succeeded' }),
      ])
      expect(host.events.map((event) => event.type)).toEqual(['user.created', 'user.greeted'])
      expect(await (await host.request('/plugins/greeter/greeted/ada')).json()).toEqual({ state: 'greeted' })
      expect(host.plugin('greeter').isolation).toMatchObject({ mode: isolation, state: 'running' })
      const health = await host.host.pluginHealth('greeter')
      if (isolation === 'process') expect(health.message).not.toBe(`pid ${process.pid}`)
      await host.stop()
    },
  )

  it('refuses to isolate a plugin given as an object, saying to give its file', async () => {
    const inline = definePlugin({ name: 'inline', version: '1.0.0', setup() {} })
    await expect(createTestHost({ plugins: [inline], isolation: 'worker' })).rejects.toMatchObject({
      code: 'E_ISOLATION',
      message: expect.stringContaining("plugins: [{ module: '/abs/path.js' }]"),
    })
  })
})
