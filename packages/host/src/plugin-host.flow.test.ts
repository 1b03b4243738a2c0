import { fileURLToPath } from 'node:url'
import { createEvent, type Event } from '@switchyard/core'
import { definePlugin, type PluginDescriptor } from '@switchyard/plugin-sdk'
import { afterEach, describe, expect, it } from 'vitest'
import type { SwitchyardConfigInput } from './config/config-schema.js'
import { loadConfig } from './config/load-config.js'
import { ConfigError } from './errors.js'
import { PluginHost } from './plugin-host.js'

const hosts: PluginHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

const DAY_MS = 24 * 3600_000

/** A started host running `plugin` alone with `config`. */
async function started(plugin: PluginDescriptor, config: SwitchyardConfigInput = {}): Promise<PluginHost> {
  const host = new PluginHost({
    config: { plugin_directories: [], ...config },
    appPackageJson: false,
    plugins: [plugin],
  })
  hosts.push(host)
  await host.start()
  return host
}

describe('flow options on ctx.on and in config handlers', () => {
  it('applies ctx.on flow options, with handlers.<name> from the config laid over them', async () => {
    const rows: number[][] = []
    const sent: string[] = []
    const plugin = definePlugin({
      name: 'flows',
      version: '1.0.0',
      permissions: ['events:subscribe'],
      setup(ctx) {
        ctx.on(
          'row.imported',
          (events: readonly Event[]) => void rows.push(events.map((e) => (e.data as { n: number }).n)),
          { name: 'row_importer', batch: { maxSize: 3, maxWaitMs: 200 } },
        )
        // The config replaces this limit of 100 with 2 per user.
        ctx.on('sms.requested', (event) => void sent.push(event.id), {
          name: 'sms_sender',
          rateLimit: { limit: 100, periodMs: DAY_MS },
        })
      },
    })
    const host = await started(plugin, {
      handlers: { sms_sender: { rate_limit: { limit: 2, period_ms: 30 * DAY_MS, key: 'data.user' } } },
    })
    const imported = await Promise.all(
      [1, 2, 3, 4].map((n) => host.bus.publish(createEvent('row.imported', { n }))),
    )
    expect(imported.map((report) => report.outcomes[0]!.status)).toEqual(Array(4).fill('succeeded'))
    expect(rows).toEqual([[1, 2, 3], [4]])
    const sms = []
    for (const user of ['u1', 'u1', 'u1', 'u2'])
      sms.push(await host.bus.publish(createEvent('sms.requested', { user })))
    expect(sms.map((report) => report.outcomes[0]!.status)).toEqual([
      'succeeded',
      'succeeded',
      'rate_limited',
      'succeeded',
    ])
    expect(sent).toHaveLength(3)
  })

  it('applies a rate limit changed by a config reload to the running handler, without reloading its plugin', async () => {
    let setups = 0
    const plugin = definePlugin({
      name: 'sms',
      version: '1.0.0',
      permissions: ['events:subscribe'],
      setup(ctx) {
        setups++
        ctx.on('sms.requested', () => undefined, {
          name: 'sms_sender',
          rateLimit: { limit: 100, periodMs: DAY_MS },
        })
        ctx.on('row.imported', () => undefined, {
          name: 'row_importer',
          batch: { maxSize: 3, maxWaitMs: 50 },
        })
      },
    })
    const limit = (n: number) => ({ sms_sender: { rate_limit: { limit: n, period_ms: DAY_MS } } })
    const host = await started(plugin, { handlers: limit(2) })
    const send = async (count: number) => {
      const statuses: string[] = []
      for (let i = 0; i < count; i++)
        statuses.push((await host.bus.publish(createEvent('sms.requested', {}))).outcomes[0]!.status)
      return statuses
    }
    expect(await send(3)).toEqual(['succeeded', 'succeeded', 'rate_limited'])
    await host.reloadConfig({ plugin_directories: [], handlers: limit(4) })
    // two more fit in today's window of four
    expect(await send(3)).toEqual(['succeeded', 'succeeded', 'rate_limited'])
    expect(setups).toBe(1)

    // turning batch off on the running row_importer is refused, naming it; the old config stays
    const refused = host.reloadConfig({
      plugin_directories: [],
      handlers: { ...limit(10), row_importer: { batch: null } },
    })
    await expect(refused).rejects.toMatchObject({
      code: 'E_CONFIG',
      message:
        'handlers.row_importer: debounce and batch cannot change on a running handler; reload plugin sms to apply them',
    })
    expect(await send(1)).toEqual(['rate_limited'])
  })

  it('fails the plugin whose ctx.on gets a bad flow option, naming the option', async () => {
    const plugin = definePlugin({
      name: 'bad-flow',
      version: '1.0.0',
      permissions: ['events:subscribe'],
      setup(ctx) {
        ctx.on('a.b', () => undefined, { name: 'bad_throttle', throttle: { limit: 10, periodMs: 0 } })
      },
    })
    const host = await started(plugin)
    expect(host.plugin('bad-flow')).toMatchObject({
      state: 'failed',
      error: {
        code: 'E_PLUGIN_SETUP',
        message: expect.stringContaining(
          'subscription bad_throttle: throttle.periodMs: expected a positive integer, got 0',
        ),
      },
    })
  })

  it('refuses bad handlers entries in the config file with file:line', async () => {
    const file = fileURLToPath(new URL('../test/fixtures/config/handlers-invalid.yaml', import.meta.url))
    const error = await loadConfig(file, { env: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    const issues = (error as ConfigError).issues.map(({ path, line, message }) => ({ path, line, message }))
    expect(issues).toEqual([
      {
        path: 'handlers.charge_card.throttle.limit',
        line: 4,
        message: expect.stringContaining('positive integer'),
      },
      { path: 'handlers.digest', line: 6, message: expect.stringContaining('one of batch and debounce') },
      { path: 'handlers.notify.rate_limit.key', line: 9, message: expect.stringContaining('a dot path') },
    ])
  })
})
