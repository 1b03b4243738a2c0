import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ENTRY } from '../isolation/launch-sandbox.js'
import { PluginHost } from '../plugin-host.js'

const fixture = join(
  new URL('../../test/fixtures/isolation/', import.meta.url).pathname,
  'service-health.mjs',
)
const hosts: PluginHost[] = []

beforeAll(() => {
  if (!existsSync(SANDBOX_ENTRY))
    throw new Error(`${SANDBOX_ENTRY} is missing: run pnpm --filter @switchyard/host build`)
})
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop()
})

describe.each(['worker', 'process'] as const)(
  'ctx.services and ctx.health intervals in a %s sandbox',
  (mode) => {
    it('registers and discovers a service from the sandbox, and runs its health check on the interval', async () => {
      const host = new PluginHost({
        appPackageJson: false,
        plugins: [{ module: fixture }],
        config: {
          plugin_directories: [],
          storage: { driver: 'memory' },
          plugin_defaults: { isolation: mode, limits: { unresponsive_ms: 5000, memory_mb: 64 } },
        },
      })
      hosts.push(host)
      await host.start()
      expect(host.plugin('service-health').state).toBe('started')
      expect(await host.services.discover({ tags: ['isolated'] })).toEqual([
        expect.objectContaining({ id: 'inventory-1', owner: 'service-health' }),
      ])
      const deadline = Date.now() + 20_000
      let health = await host.pluginHealth('service-health')
      while (((health.details?.runs as number | undefined) ?? 0) < 3 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        health = await host.pluginHealth('service-health')
      }
      expect(health).toMatchObject({ status: 'ok', details: { found: 1 } })
      // It really ran in the sandbox: a child process has a pid of its own, a worker thread shares this one.
      expect(health.details?.pid === process.pid).toBe(mode === 'worker')
      expect(health.checks?.[0]).toMatchObject({ intervalMs: 100, timeoutMs: 1000 })
      await host.disable('service-health')
      expect(await host.services.discover()).toEqual([])
    }, 40_000)
  },
)
