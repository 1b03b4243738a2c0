import { MemoryStore, type ServiceRecord } from '@switchyard/core'
import { definePlugin, type PluginServices } from '@switchyard/plugin-sdk'
import { afterEach, describe, expect, it } from 'vitest'
import { createHost } from '../create-host.js'
import type { PluginSource } from '../discovery/inline-candidates.js'
import type { PluginHost } from '../plugin-host.js'
import { ServiceRegistry } from './service-registry.js'

const hosts: PluginHost[] = []
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

/** A plugin that hands its `ctx.services` to the test. */
function servicePlugin(name: string, permissions: ('services:register' | 'services:discover')[]) {
  const handle: { services?: PluginServices } = {}
  const plugin = definePlugin({
    name,
    version: '1.0.0',
    permissions,
    setup(ctx) {
      handle.services = ctx.services
    },
  })
  return { plugin, services: () => handle.services as PluginServices }
}

async function hostWith(...plugins: PluginSource[][]) {
  const host = await createHost({
    appPackageJson: false,
    config: { plugin_directories: [] },
    plugins: plugins.flat(),
  })
  hosts.push(host)
  return host
}

describe('ServiceRegistry through ctx.services', () => {
  it('registers a service one plugin discovers, with owner, node and time; the API view lists it', async () => {
    const billing = servicePlugin('billing', ['services:register'])
    const orders = servicePlugin('orders', ['services:discover'])
    const host = await hostWith([billing.plugin, orders.plugin])
    const record = await billing.services().register({
      id: 'billing-1',
      name: 'billing',
      version: '2.1.0',
      address: 'http://10.0.0.7:9000',
      healthUrl: 'http://10.0.0.7:9000/healthz',
      tags: ['eu', 'primary'],
      metadata: { weight: 3 },
    })
    expect(record).toMatchObject({ owner: 'billing', node: host.services.node })
    expect(Date.parse(record.registeredAt)).not.toBeNaN()
    expect(await orders.services().discover({ name: 'billing', tags: ['eu'] })).toEqual([record])
    expect(await orders.services().discover({ tags: ['us'] })).toEqual([])
    expect(await host.services.discover()).toEqual([record])
  })

  it('refuses calls without the permission, invalid info with the field, and ids of another owner', async () => {
    const a = servicePlugin('alpha', ['services:register'])
    const b = servicePlugin('beta', ['services:register'])
    await hostWith([a.plugin, b.plugin])
    await expect(a.services().discover({})).rejects.toThrow(/services:discover/)
    await expect(a.services().register({ id: 'x', name: 'has space' })).rejects.toThrow(
      'name: expected a service name',
    )
    await expect(
      a.services().register({ id: 'x', name: 'ok', tags: [1 as unknown as string] }),
    ).rejects.toMatchObject({ code: 'E_SERVICE', message: expect.stringContaining('tags.0') })
    await a.services().register({ id: 'shared', name: 'alpha' })
    await expect(b.services().register({ id: 'shared', name: 'beta' })).rejects.toThrow(
      'id "shared" is registered by "alpha"',
    )
    expect(await b.services().unregister('shared')).toBe(false)
    expect(await a.services().unregister('shared')).toBe(true)
  })

  it('runs pre_register (enrich or refuse), post_register, post_unregister and service.discover contributions', async () => {
    const seen: string[] = []
    const hooks = definePlugin({
      name: 'consul',
      version: '1.0.0',
      setup(ctx) {
        ctx.extend<ServiceRecord, ServiceRecord>('service.pre_register', (info) => {
          if (info.name === 'forbidden') throw new Error('not in this cluster')
          return { ...info, tags: [...(info.tags ?? []), 'enhanced'], owner: 'spoofed' }
        })
        ctx.extend<ServiceRecord, void>('service.post_register', (info) => void seen.push(`+${info.id}`))
        ctx.extend<ServiceRecord, void>('service.post_unregister', (info) => void seen.push(`-${info.id}`))
        ctx.extend('service.discover', () => [{ id: 'consul-db', name: 'db', address: 'tcp://db:5432' }])
      },
    })
    const app = servicePlugin('app', ['services:register', 'services:discover'])
    await hostWith([hooks, app.plugin])
    const record = await app.services().register({ id: 'app-1', name: 'app' })
    expect(record).toMatchObject({ tags: ['enhanced'], owner: 'app' })
    await expect(app.services().register({ id: 'f', name: 'forbidden' })).rejects.toThrow(
      'service.pre_register refused it: not in this cluster',
    )
    expect((await app.services().discover()).map((r) => [r.id, r.owner])).toEqual([
      ['app-1', 'app'],
      ['consul-db', 'consul'],
    ])
    await app.services().unregister('app-1')
    expect(seen).toEqual(['+app-1', '-app-1'])
  })

  it("unregisters a plugin's services when it stops", async () => {
    const app = servicePlugin('app', ['services:register'])
    const host = await hostWith([app.plugin])
    await app.services().register({ id: 'app-1', name: 'app' })
    await host.disable('app')
    expect(await host.services.discover()).toEqual([])
  })
})

describe('ServiceRegistry leases', () => {
  it('renews its own records and lets those of a closed registry expire', async () => {
    const store = new MemoryStore()
    const { ExtensionRegistry } = await import('@switchyard/core')
    const extensions = new ExtensionRegistry()
    const live = new ServiceRegistry({ store, extensions, leaseMs: 300, node: 'live' })
    const dead = new ServiceRegistry({ store, extensions, leaseMs: 300, node: 'dead' })
    await live.register('server', { id: 'live-1', name: 'switchyard' })
    await dead.register('server', { id: 'dead-1', name: 'switchyard' })
    dead.close()
    await new Promise((resolve) => setTimeout(resolve, 900))
    expect((await live.discover()).map((r) => r.id)).toEqual(['live-1'])
    live.close()
  })
})
