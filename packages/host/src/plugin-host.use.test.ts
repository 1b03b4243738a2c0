import { createEvent, type Event } from '@switchyard/core'
import { definePlugin, type PluginContext, type PluginDescriptor } from '@switchyard/plugin-sdk'
import { SqlitePluginDatabases } from '@switchyard/store-sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { PluginHost } from './plugin-host.js'

const hosts: PluginHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

async function start(plugins: PluginDescriptor[]) {
  const host = new PluginHost({
    config: { plugin_directories: [] },
    appPackageJson: false,
    plugins,
    databases: new SqlitePluginDatabases({ memory: true }),
  })
  hosts.push(host)
  await host.start()
  return host
}

// The provider keeps its prices in its own table and offers them through a factory that closes over ctx.
const pricing = definePlugin({
  name: 'pricing',
  version: '1.2.0',
  permissions: ['database:read', 'database:write'],
  migrations: [
    {
      id: '001-prices',
      up: "CREATE TABLE prices (sku TEXT PRIMARY KEY, cents INTEGER); INSERT INTO prices VALUES ('A-1', 250)",
    },
  ],
  provides: (ctx) => ({
    async quote(sku: string, quantity: number) {
      const [row] = await ctx.db.query<{ cents: number }>('SELECT cents FROM prices WHERE sku = ?', [sku])
      if (row === undefined) throw Object.assign(new Error(`unknown sku ${sku}`), { code: 'E_UNKNOWN_SKU' })
      return { sku, total: row.cents * quantity }
    },
    echo: (value: unknown) => value,
    mutate(order: { lines: string[] }) {
      order.lines.push('added by pricing')
      return order.lines.length
    },
  }),
  setup() {},
})

/** A plugin keeping its context for the test. */
function consumer(name: string, dependencies: PluginDescriptor['dependencies']) {
  const handle: { ctx?: PluginContext } = {}
  const plugin = definePlugin({
    name,
    version: '1.0.0',
    dependencies,
    setup(ctx) {
      handle.ctx = ctx as PluginContext
    },
  })
  return { plugin, ctx: () => handle.ctx as PluginContext }
}

describe('ctx.use', () => {
  it("calls a dependency's provided functions, typed from its definition, with copied values", async () => {
    const checkout = consumer('checkout', { pricing: '^1.0.0' })
    await start([pricing, checkout.plugin])
    const prices = checkout.ctx().use<typeof pricing>('pricing')
    expect(await prices.quote('A-1', 3)).toEqual({ sku: 'A-1', total: 750 })
    const order = { lines: ['a'] }
    expect(await prices.mutate(order)).toBe(2)
    expect(order.lines).toEqual(['a'])
    const date = new Date(0)
    const copy = await prices.echo({ date, nested: [1n] })
    expect(copy).toEqual({ date, nested: [1n] })
    expect((copy as { date: Date }).date).not.toBe(date)
    await expect(checkout.ctx().db.query('SELECT * FROM prices')).rejects.toMatchObject({
      code: 'E_PERMISSION',
    })
  })

  it('refuses a plugin not among the dependencies, an unknown function and values that cannot be copied', async () => {
    const checkout = consumer('checkout', { pricing: '^1.0.0' })
    await start([pricing, checkout.plugin])
    expect(() => checkout.ctx().use('billing')).toThrow(
      expect.objectContaining({
        code: 'E_UNDECLARED_DEPENDENCY',
        message:
          'plugin "checkout" called ctx.use("billing") but does not depend on it; add "billing" to its dependencies',
      }),
    )
    const prices = checkout.ctx().use('pricing')
    await expect(prices.discount?.('A-1')).rejects.toMatchObject({
      code: 'E_UNKNOWN_EXPORT',
      message: 'plugin "pricing" provides no "discount"; it provides: quote, echo, mutate',
    })
    await expect(prices.echo?.(() => 1)).rejects.toMatchObject({ code: 'E_NOT_SERIALISABLE' })
    expect(await Promise.resolve(prices)).toBe(prices)
  })

  it("reports a provider's error with its code", async () => {
    const checkout = consumer('checkout', { pricing: '^1.0.0' })
    await start([pricing, checkout.plugin])
    const error = await checkout
      .ctx()
      .use<typeof pricing>('pricing')
      .quote('Z-9', 1)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'E_PROVIDER_CALL',
      message: 'plugin "pricing" quote() failed: unknown sku Z-9',
      cause: { name: 'Error', message: 'unknown sku Z-9', code: 'E_UNKNOWN_SKU' },
    })
  })

  it('fails calls to a disabled provider at once, and the dependents say why', async () => {
    const checkout = consumer('checkout', { pricing: '^1.0.0' })
    const reports = consumer('reports', { pricing: { version: '^1.0.0', optional: true } })
    const host = await start([pricing, checkout.plugin, reports.plugin])
    const prices = reports.ctx().use<typeof pricing>('pricing')
    await host.disable('pricing')
    expect(host.plugin('checkout')).toMatchObject({
      state: 'disabled',
      reason: 'dependency "pricing" was disabled',
    })
    expect(host.plugin('reports')).toMatchObject({
      state: 'started',
      warnings: ['optional dependency "pricing" is not running'],
    })
    await expect(prices.quote('A-1', 1)).rejects.toMatchObject({
      code: 'E_PROVIDER_UNAVAILABLE',
      message: 'plugin "pricing" is disabled: its provided functions cannot be called',
    })
    await host.enable('pricing')
    expect(host.plugin('reports').warnings).toEqual([])
    expect(await prices.quote('A-1', 2)).toEqual({ sku: 'A-1', total: 500 })
  })
})

describe('events published by a handler', () => {
  it('carry causationId = the handled event and its correlationId, set by the host', async () => {
    const seen: Event[] = []
    const relay = definePlugin({
      name: 'relay',
      version: '1.0.0',
      permissions: ['events:subscribe', 'events:publish', 'http:routes'],
      setup(ctx) {
        ctx.on(
          'order.placed',
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 5))
            await ctx.publish('invoice.requested', { n: 1 })
            await ctx.publish(createEvent('invoice.audited', { n: 2 }))
          },
          { name: 'relay_handler' },
        )
        ctx.on('invoice.*', (event) => void seen.push(event), { name: 'invoice_watcher' })
        ctx.routes.post('/emit', async (c) => c.json(await ctx.publish('invoice.manual', {})))
      },
    })
    const host = await start([relay])
    const placed = createEvent('order.placed', {}, { metadata: { correlationId: 'checkout-42' } })
    await host.bus.publish(placed)
    expect(
      seen.map((event) => [event.type, event.metadata.causationId, event.metadata.correlationId]),
    ).toEqual([
      ['invoice.requested', placed.id, 'checkout-42'],
      ['invoice.audited', placed.id, 'checkout-42'],
    ])
    seen.length = 0
    const uncorrelated = createEvent('order.placed', {})
    await host.bus.publish(uncorrelated)
    expect(seen[0]?.metadata).toMatchObject({ causationId: uncorrelated.id, correlationId: uncorrelated.id })
    seen.length = 0
    await host.fetch(new Request('http://host/plugins/relay/emit', { method: 'POST' }))
    expect(seen[0]?.metadata.causationId).toBeUndefined()
  })
})
