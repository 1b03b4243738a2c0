import { cp, mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { startAppHost } from '../test/start-app-host.js'
import type { SwitchyardConfigInput } from './config/config-schema.js'
import { ConfigError } from './errors.js'
import type { PluginHost } from './plugin-host.js'

const FIXTURES = fileURLToPath(new URL('../test/fixtures/config-load/', import.meta.url))
const VALIBOT = fileURLToPath(new URL('../node_modules/valibot', import.meta.url))
interface OrdersConfig {
  token: string
  region: string
  sources: string[]
}
const fixture = globalThis as { ordersConfigs?: OrdersConfig[]; vaultSecrets?: Record<string, string> }
const cleanup: (() => Promise<unknown>)[] = []

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
  fixture.vaultSecrets = undefined
})

// Copies vault, defaults and orders to a temporary app (orders imports valibot, linked beside them) and starts it.
async function startApp(plugins: SwitchyardConfigInput['plugins']): Promise<PluginHost> {
  fixture.ordersConfigs = []
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-config-load-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  await cp(FIXTURES, join(dir, 'plugins'), { recursive: true })
  await mkdir(join(dir, 'node_modules'))
  await symlink(await realpath(VALIBOT), join(dir, 'node_modules', 'valibot'), 'dir')
  return startAppHost(dir, cleanup, plugins)
}

const lastOrdersConfig = () => fixture.ordersConfigs?.at(-1)

describe('PluginHost config.load', () => {
  it('lets a source plugin fill a required key that the configured plugin’s schema then checks', async () => {
    fixture.vaultSecrets = { orders: 's3cret' }
    const host = await startApp({ defaults: { enabled: false }, orders: { config: { region: 'us' } } })
    expect(host.plugin('orders').state).toBe('started')
    expect(lastOrdersConfig()).toEqual({ token: 's3cret', region: 'us', sources: ['vault'] })
    // The secret reaches the plugin only, not the running configuration.
    expect(host.config.plugins.orders?.config).toEqual({ region: 'us' })
  })

  it('fails the plugin with its schema’s message when no source fills the key', async () => {
    const host = await startApp({ defaults: { enabled: false }, vault: { enabled: false } })
    expect(host.plugin('orders').error).toEqual({
      code: 'E_CONFIG',
      message: 'invalid configuration:\nplugins.orders.config.token: expected "token", got undefined',
    })
  })

  it.each([
    { vault: 20, defaults: 10, order: ['defaults', 'vault'] },
    { vault: 10, defaults: 20, order: ['vault', 'defaults'] },
  ])('runs sources lowest priority first (vault $vault, defaults $defaults)', async (priorities) => {
    fixture.vaultSecrets = { orders: 's3cret' }
    await startApp({
      vault: { config: { priority: priorities.vault } },
      defaults: { config: { priority: priorities.defaults } },
    })
    expect(lastOrdersConfig()).toEqual({ token: 's3cret', region: 'eu-west', sources: priorities.order })
  })

  it.each([
    { misbehave: 'throw', problem: 'it threw: vault is sealed' },
    {
      misbehave: 'string',
      problem: 'expected { plugin, config } with config an object, or undefined, got a string',
    },
    { misbehave: 'hang', problem: 'it did not finish within 100ms' },
  ])(
    'fails only the configured plugin when a source misbehaves ($misbehave)',
    async ({ misbehave, problem }) => {
      const host = await startApp({
        vault: { config: { misbehave } },
        orders: { config: { token: 'from-file' }, start_timeout_ms: 100 },
      })
      expect(host.plugin('orders')).toMatchObject({
        state: 'failed',
        error: {
          code: 'E_CONFIG',
          message: `invalid configuration:\nplugins.orders.config: config.load contribution of plugin "vault" failed for plugin "orders": ${problem}`,
        },
      })
      expect(fixture.ordersConfigs).toEqual([])
      expect(host.plugin('vault').state).toBe('started')
      expect(host.plugin('defaults').state).toBe('started')
      // Reloading the configuration refuses it as a whole, as for an invalid plugin config.
      await expect(
        host.reloadConfig({ plugin_directories: ['plugins'], plugins: { vault: { config: { misbehave } } } }),
      ).rejects.toThrow(ConfigError)
    },
  )

  it('runs the chain again when the configured plugin reloads or its entry changes', async () => {
    fixture.vaultSecrets = { orders: 'one' }
    const host = await startApp({ defaults: { enabled: false } })
    expect(lastOrdersConfig()?.token).toBe('one')

    fixture.vaultSecrets = { orders: 'two' }
    await host.reload('orders')
    expect(lastOrdersConfig()?.token).toBe('two')

    fixture.vaultSecrets = { orders: 'three' }
    await host.reloadConfig({
      plugin_directories: ['plugins'],
      plugins: { defaults: { enabled: false }, orders: { config: { region: 'us' } } },
    })
    expect(lastOrdersConfig()).toEqual({ token: 'three', region: 'us', sources: ['vault'] })
  })

  it('stops applying a source once it is disabled, and applies it again once enabled', async () => {
    fixture.vaultSecrets = { orders: 's3cret' }
    const host = await startApp({ defaults: { enabled: false }, orders: { config: { token: 'from-file' } } })
    expect(lastOrdersConfig()?.token).toBe('s3cret')

    await host.disable('vault')
    expect(host.plugin('orders').state).toBe('started')
    await host.reload('orders')
    expect(lastOrdersConfig()).toEqual({ token: 'from-file', region: 'none', sources: [] })

    await host.enable('vault')
    await host.reload('orders')
    expect(lastOrdersConfig()?.token).toBe('s3cret')
  })
})
