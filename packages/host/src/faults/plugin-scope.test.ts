import { createEvent } from '@switchyard/core'
import { definePlugin } from '@switchyard/plugin-sdk'
import { describe, expect, it } from 'vitest'
import { PluginHost } from '../plugin-host.js'
import { pluginScope } from './plugin-scope.js'

/** What `pluginScope` held where: plugin name, and `handler@attempt` inside a delivery. */
function where(): string {
  const scope = pluginScope.getStore()
  if (scope === undefined) return 'none'
  return scope.delivery === undefined
    ? scope.plugin
    : `${scope.plugin}:${scope.delivery.handler}@${scope.delivery.attempt}`
}

describe('pluginScope', () => {
  it('names the plugin in every call the runtime makes into it, and in the timers and promises those start', async () => {
    const seen: Record<string, string> = {}
    const record = (key: string) => {
      seen[key] = where()
    }
    const later = (key: string) =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          record(key)
          resolve()
        }, 1),
      )
    const plugin = definePlugin({
      name: 'audit',
      version: '1.0.0',
      permissions: ['events:subscribe', 'http:routes'],
      async setup(ctx) {
        record('setup')
        await later('setup timer')
        ctx.on(
          'order.*',
          async () => {
            record('handler')
            await later('handler timer')
          },
          { name: 'audit_handler', retry: { attempts: 1 } },
        )
        ctx.routes.get('/x', async (c) => {
          await later('route timer')
          return c.text(where())
        })
        ctx.health(() => ({ status: 'ok', message: where() }))
        ctx.extend('event.before_publish', (event) => {
          record('contribution')
          return event
        })
        ctx.onStop(() => record('onStop'))
      },
    })
    const host = new PluginHost({
      appPackageJson: false,
      plugins: [plugin],
      config: { plugin_directories: [] },
    })
    await host.start()
    await host.bus.publish(createEvent('order.created', {}))
    const route = await host.fetch(new Request('http://host/plugins/audit/x'))
    expect(await route.text()).toBe('audit')
    expect((await host.pluginHealth('audit')).message).toBe('audit')
    await host.stop()
    expect(seen).toEqual({
      setup: 'audit',
      'setup timer': 'audit',
      contribution: 'audit',
      handler: 'audit:audit_handler@1',
      'handler timer': 'audit:audit_handler@1',
      'route timer': 'audit',
      onStop: 'audit',
    })
    expect(where()).toBe('none')
  })

  it('runs the continuation of an http.middleware contribution outside the plugin scope', async () => {
    const inside: string[] = []
    const plugin = definePlugin({
      name: 'tracing',
      version: '1.0.0',
      setup(ctx) {
        ctx.extend('http.middleware', (async (_c: unknown, next: () => Promise<void>) => {
          inside.push(where())
          await next()
          inside.push(where())
        }) as never)
      },
    })
    const host = new PluginHost({
      appPackageJson: false,
      plugins: [plugin],
      config: { plugin_directories: [] },
    })
    await host.start()
    const [middleware] = host.bus.extensions.contributions('http.middleware')
    const run = middleware?.fn as unknown as (c: unknown, next: () => Promise<void>) => Promise<void>
    await run({}, async () => {
      inside.push(where())
    })
    await host.stop()
    expect(inside).toEqual(['tracing', 'none', 'tracing'])
  })
})
