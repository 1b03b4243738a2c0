import { waitFor } from '@switchyard/core/testing'
import { definePlugin, type PluginContext } from '@switchyard/plugin-sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { PluginHost } from './plugin-host.js'

const hosts: PluginHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

describe('ctx.publish with a due time', () => {
  it('accepts the event at once and delivers it when due, scheduled in the ledger until then', async () => {
    let ctx: PluginContext | undefined
    const charged: { id: string; atMs: number }[] = []
    const billing = definePlugin({
      name: 'billing',
      version: '1.0.0',
      permissions: ['events:publish', 'events:subscribe'],
      setup(c) {
        ctx = c
        c.on('card.charge', (event) => void charged.push({ id: event.id, atMs: Date.now() }), {
          name: 'charge_card',
        })
      },
    })
    const host = new PluginHost({
      config: { plugin_directories: [] },
      appPackageJson: false,
      plugins: [billing],
    })
    hosts.push(host)
    await host.start()
    const { id } = await ctx!.publish('card.charge', { orderId: 'o-1' }, { delayMs: 300 })
    const [row] = await host.bus.store.deliveries(id)
    expect(row).toMatchObject({ handler: 'charge_card', status: 'scheduled' })
    expect(charged).toEqual([])
    await waitFor(() => charged.length === 1, 'the delayed charge', 20_000)
    expect(charged[0]!.id).toBe(id)
    expect(charged[0]!.atMs).toBeGreaterThanOrEqual(Date.parse(row!.dueAt!))
    await expect(ctx!.publish('card.charge', {}, { deliverAt: 'next tuesday' })).rejects.toThrow(
      /^deliverAt: expected an RFC 3339 date-time/,
    )
  })
})
