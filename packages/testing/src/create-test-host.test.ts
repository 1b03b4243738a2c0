import {
  definePlugin,
  PermissionError,
  PluginConfigError,
  PluginDependencyError,
  UndeclaredEventError,
} from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { createTestHost } from './create-test-host.js'

const notifications = definePlugin({
  name: 'order-notifications',
  version: '1.0.0',
  permissions: ['events:subscribe', 'events:publish', 'http:routes', 'store:kv'],
  config: v.object({ channel: v.picklist(['log', 'webhook']) }),
  publishes: { 'notification.sent': { schema: v.object({ orderId: v.string(), channel: v.string() }) } },
  setup(ctx) {
    const sent = ctx.metrics.counter('notifications_sent_total', 'Notifications sent')
    ctx.on<{ orderId: string; status: string }>(
      'order.status_changed',
      async (event) => {
        await ctx.store.set(event.data.orderId, event.data.status)
        sent.inc()
        await ctx.publish('notification.sent', { orderId: event.data.orderId, channel: ctx.config.channel })
      },
      { name: 'order_notification_handler' },
    )
    ctx.routes.get('/status/:id', async (c) =>
      c.json({ status: (await ctx.store.get(c.req.param('id'))) ?? null }),
    )
    ctx.health(() => ({ status: 'ok' }))
  },
})

describe('createTestHost', () => {
  it('runs a plugin on a real bus: handlers, its own publishes, routes, store, metrics and health', async () => {
    const host = await createTestHost({
      plugins: [notifications],
      config: { 'order-notifications': { channel: 'log' } },
    })
    const report = await host.publish('order.status_changed', { orderId: 'o1', status: 'shipped' })
    expect(report.outcomes).toEqual([
      expect.objectContaining({ handler: 'order_notification_handler', status: 'succeeded' }),
    ])
    expect(host.events.map((event) => event.type)).toEqual(['order.status_changed', 'notification.sent'])
    expect(host.events[1]?.source).toBe('order-notifications')
    const res = await host.request('/plugins/order-notifications/status/o1')
    expect(await res.json()).toEqual({ status: 'shipped' })
    expect(await host.metrics()).toContain('notifications_sent_total{plugin="order-notifications"} 1')
    expect((await host.health()).status).toBe('ok')
    expect(host.plugin('order-notifications').handlers).toEqual(['order_notification_handler'])
    await host.stop()
  })

  it('throws PermissionError naming the plugin, the method and the permission', async () => {
    const plugin = definePlugin({
      name: 'sneaky',
      version: '1.0.0',
      permissions: ['events:subscribe'],
      setup(ctx) {
        ctx.routes.get('/x', (c) => c.text('x'))
      },
    })
    const error = await createTestHost({ plugins: [plugin] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    const cause = (error as Error).cause
    expect(cause).toBeInstanceOf(PermissionError)
    expect((cause as PermissionError).message).toBe(
      `plugin "sneaky" called ctx.routes without permission "http:routes"; add 'http:routes' to its permissions`,
    )
  })

  it('rejects payloads that break a declared schema, and types the plugin did not declare', async () => {
    let publishUndeclared: () => Promise<unknown> = async () => undefined
    const producer = definePlugin({
      name: 'producer',
      version: '1.0.0',
      permissions: ['events:publish'],
      publishes: { 'order.created': { schema: v.object({ id: v.string() }), version: '2.0.0' } },
      setup(ctx) {
        publishUndeclared = () => ctx.publish({ type: 'order.deleted' } as never)
      },
    })
    const host = await createTestHost({ plugins: [producer] })
    await expect(host.publish('order.created', { id: 7 })).rejects.toThrow(
      'order.created (as declared by producer 2.0.0): data.id: expected string, got 7',
    )
    expect(() => publishUndeclared()).toThrow(UndeclaredEventError)
    await host.stop()
  })

  it('reports an invalid config with the path inside it', async () => {
    const error = await createTestHost({
      plugins: [notifications],
      config: { 'order-notifications': { channel: 'sms' } },
    }).catch((e: unknown) => e)
    // The server's own error: E_CONFIG placed under plugins.<name>.config, the plugin's issues as its cause.
    expect(error).toMatchObject({ code: 'E_CONFIG' })
    expect((error as Error).message).toContain(
      'plugins.order-notifications.config.channel: expected ("log" | "webhook"), got "sms"',
    )
    expect((error as Error).cause).toBeInstanceOf(PluginConfigError)
  })

  it('starts plugins in dependency order and runs onStop callbacks in reverse at stop', async () => {
    const log: string[] = []
    const make = (name: string, dependencies: Record<string, string> = {}) =>
      definePlugin({
        name,
        version: '1.2.0',
        dependencies,
        setup(ctx) {
          log.push(`start ${name}`)
          ctx.onStop(() => void log.push(`stop ${name}`))
        },
      })
    const host = await createTestHost({ plugins: [make('web', { db: '^1.0.0' }), make('db')] })
    await host.stop()
    expect(log).toEqual(['start db', 'start web', 'stop web', 'stop db'])
    const missing = await createTestHost({ plugins: [make('web', { cache: '^1.0.0' })] }).catch(
      (e: unknown) => e,
    )
    expect(missing).toBeInstanceOf(PluginDependencyError)
    expect((missing as Error).message).toBe('web: missing dependency "cache" (^1.0.0)')
  })

  describe('plugin faults', () => {
    const leaky = definePlugin({
      name: 'leaky',
      version: '1.0.0',
      permissions: ['events:subscribe'],
      setup(ctx) {
        ctx.on(
          'order.created',
          async () => {
            void Promise.reject(new Error('[expected plugin fault] not awaited'))
            await new Promise((resolve) => setTimeout(resolve, 50))
          },
          { name: 'leaky_handler' },
        )
      },
    })

    it('fails the delivery with E_PLUGIN_FAULT, lists the fault and makes stop() reject with it', async () => {
      const host = await createTestHost({ plugins: [leaky], delivery: { retry: { attempts: 1 } } })
      const report = await host.publish('order.created', {})
      expect(report.outcomes[0]?.error?.message).toContain(
        'E_PLUGIN_FAULT: plugin "leaky" faulted (unhandled rejection) in handler leaky_handler',
      )
      expect(host.plugin('leaky')).toMatchObject({ faults: 1 })
      expect(host.faults.map((fault) => (fault as { code?: string }).code)).toEqual(['E_PLUGIN_FAULT'])
      await expect(host.stop()).rejects.toThrow('[expected plugin fault] not awaited')
    })

    it('leaves faults to the test runner with failOnFault: false', async () => {
      const host = await createTestHost({ plugins: [leaky], failOnFault: false })
      const report = await host.publish('order.created', {})
      expect(report.outcomes[0]?.status).toBe('succeeded')
      expect(host.faults).toEqual([])
      await host.stop()
    })
  })
})
