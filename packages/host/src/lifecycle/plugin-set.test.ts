import { EventBus, MemoryStore, noopLogger } from '@switchyard/core'
import { definePlugin, type PluginDescriptor } from '@switchyard/plugin-sdk'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { EventCatalog } from '../catalog/event-catalog.js'
import { PluginDatabaseHub } from '../database/plugin-database-hub.js'
import { inlineCandidates } from '../discovery/inline-candidates.js'
import { ProviderRegistry } from '../providers/provider-registry.js'
import { SecretVault } from '../secrets/secret-vault.js'
import { ServiceRegistry } from '../services/service-registry.js'
import { PluginSet } from './plugin-set.js'

const buses: EventBus[] = []
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close()
})

/** A set over a real bus; every plugin is wanted unless named in `unwanted`, and its config is `{}`. */
function pluginSet(options: { startTimeoutMs?: number; unwanted?: string[] } = {}) {
  const bus = new EventBus({ store: new MemoryStore() })
  buses.push(bus)
  const services = {
    bus,
    store: bus.store,
    registry: new Registry(),
    logger: noopLogger,
    catalog: new EventCatalog(),
    faults: { charge: () => undefined },
    databases: new PluginDatabaseHub(undefined, noopLogger),
    transactionTimeoutMs: 1000,
    providers: new ProviderRegistry(() => 'stopped'),
    services: new ServiceRegistry({ store: bus.store, extensions: bus.extensions }),
    secrets: new SecretVault(bus.store),
  }
  return new PluginSet({
    services,
    logger: noopLogger,
    startTimeoutMs: () => options.startTimeoutMs ?? 1000,
    stopTimeoutMs: 1000,
    configure: async () => ({ ok: true, config: {} }),
    wanted: async (name) => !(options.unwanted ?? []).includes(name),
  })
}

/** Plugins that log their start and stop to `log`, with the given dependencies. */
function plugin(
  log: string[],
  name: string,
  dependencies: Record<string, string> = {},
  setup: () => void | Promise<void> = () => undefined,
): PluginDescriptor {
  return definePlugin({
    name,
    version: '1.0.0',
    dependencies,
    permissions: ['events:subscribe'],
    async setup(ctx) {
      await setup()
      ctx.on('order.*', () => undefined, { name: `${name.replaceAll('-', '_')}_handler` })
      log.push(`start ${name}`)
      ctx.onStop(() => void log.push(`stop ${name}`))
    },
  })
}

async function started(set: PluginSet, plugins: PluginDescriptor[]) {
  await set.startAll(await set.load(inlineCandidates(plugins, process.cwd())))
  return Object.fromEntries(set.list().map((record) => [record.name, record.state]))
}

describe('PluginSet', () => {
  it('starts dependencies first and stops dependents first, whatever order the plugins came in', async () => {
    const log: string[] = []
    const set = pluginSet()
    const states = await started(set, [
      plugin(log, 'web', { api: '^1.0.0' }),
      plugin(log, 'api', { db: '^1.0.0' }),
      plugin(log, 'db'),
    ])
    expect(states).toEqual({ web: 'started', api: 'started', db: 'started' })
    await set.stopAll()
    expect(log).toEqual(['start db', 'start api', 'start web', 'stop web', 'stop api', 'stop db'])
    expect(set.list().map((record) => record.state)).toEqual(['stopped', 'stopped', 'stopped'])
  })

  it('fails a plugin with a missing dependency and its dependents, naming the chain, and starts the rest', async () => {
    const log: string[] = []
    const set = pluginSet()
    const states = await started(set, [
      plugin(log, 'web', { api: '^1.0.0' }),
      plugin(log, 'api', { cache: '^2.0.0' }),
      plugin(log, 'audit'),
    ])
    expect(states).toEqual({ web: 'failed', api: 'failed', audit: 'started' })
    expect(set.get('web')?.reason).toBe('web -> api: missing dependency "cache" (^2.0.0)')
    expect(log).toEqual(['start audit'])
  })

  it('fails a second plugin of a taken name with both entries, keeping the first', async () => {
    const log: string[] = []
    const set = pluginSet()
    await started(set, [plugin(log, 'audit'), plugin(log, 'audit')])
    expect(set.get('audit')?.state).toBe('started')
    expect(set.get('audit@plugins[1]')).toMatchObject({
      state: 'failed',
      reason: 'duplicate plugin name "audit": also at plugins[0]',
    })
  })

  it('fails a setup that throws or outlives its deadline, undoing what it registered', async () => {
    const log: string[] = []
    const set = pluginSet({ startTimeoutMs: 50 })
    const states = await started(set, [
      plugin(log, 'broken', {}, () => {
        throw new Error('no database')
      }),
      plugin(log, 'slow', {}, () => new Promise((resolve) => setTimeout(resolve, 200))),
    ])
    expect(states).toEqual({ broken: 'failed', slow: 'failed' })
    expect(set.get('broken')?.error).toMatchObject({
      code: 'E_PLUGIN_SETUP',
      message: expect.stringContaining('no database'),
    })
    expect(set.get('slow')?.error).toMatchObject({ code: 'E_TIMEOUT' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    // The slow setup finished after its deadline: its handler was refused, not left subscribed.
    expect(set.get('slow')?.runtime).toBeUndefined()
  })

  it('disables dependents before their dependency and starts them again when it comes back', async () => {
    const log: string[] = []
    const set = pluginSet()
    await started(set, [plugin(log, 'db'), plugin(log, 'api', { db: '^1.0.0' })])
    const db = set.get('db')!
    await set.disable(db, 'disabled by the operator')
    expect(set.get('api')).toMatchObject({ state: 'disabled', blockedBy: 'db' })
    expect(log.slice(2)).toEqual(['stop api', 'stop db'])

    db.enabled = true
    expect(await set.start(db)).toBe(true)
    await set.unblock('db')
    expect(set.get('api')?.state).toBe('started')
    expect(log.slice(4)).toEqual(['start db', 'start api'])
  })

  it('parks a plugin that is not wanted, and one whose dependency is parked, without failing either', async () => {
    const log: string[] = []
    const set = pluginSet({ unwanted: ['db'] })
    const states = await started(set, [plugin(log, 'db'), plugin(log, 'api', { db: '^1.0.0' })])
    expect(states).toEqual({ db: 'disabled', api: 'disabled' })
    expect(set.get('api')?.reason).toBe('dependency "db" is disabled')
    expect(log).toEqual([])
  })
})
