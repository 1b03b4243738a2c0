import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEvent, type Event } from '@switchyard/core'
import { definePlugin } from '@switchyard/plugin-sdk'
import { SqlitePluginDatabases } from '@switchyard/store-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SANDBOX_ENTRY } from './isolation/launch-sandbox.js'
import { PluginHost } from './plugin-host.js'

const LEDGER = { module: new URL('../test/fixtures/isolation/ledger.mjs', import.meta.url).pathname }

const pricing = definePlugin({
  name: 'pricing',
  version: '1.0.0',
  provides: { quote: async (sku: string, qty: number) => ({ sku, total: qty * 250 }) },
  setup() {},
})

let dir: string
beforeAll(async () => {
  if (!existsSync(SANDBOX_ENTRY))
    throw new Error(`${SANDBOX_ENTRY} is missing: run pnpm --filter @switchyard/host build`)
  dir = await mkdtemp(join(tmpdir(), 'switchyard-isolated-data-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe.each(['worker', 'process'] as const)('an isolated plugin (%s) and plugin data', (mode) => {
  it('migrates, writes and reads its database and calls an in-process provider across the boundary', async () => {
    const host = new PluginHost({
      cwd: dir,
      appPackageJson: false,
      plugins: [pricing, LEDGER],
      databases: new SqlitePluginDatabases({ directory: join(dir, mode) }),
      config: {
        plugin_directories: [],
        storage: { driver: 'memory' },
        plugins: { ledger: { isolation: mode } },
      },
    })
    try {
      await host.start()
      expect(host.plugin('ledger').state).toBe('started')
      const recorded: Event[] = []
      host.bus.subscribe('sale.recorded', (event) => void recorded.push(event), { name: 'sale_watcher' })
      const sale = createEvent('sale.made', { sku: 'A-1', qty: 3 })
      const report = await host.bus.publish(sale)
      expect(report.outcomes.find((o) => o.handler === 'ledger_handler')?.status).toBe('succeeded')
      const entries = await host.fetch(new Request('http://host/plugins/ledger/entries'))
      expect(await entries.json()).toEqual([{ sku: 'A-1', total: 750 }])
      const missing = await host.fetch(new Request('http://host/plugins/ledger/missing'))
      expect(await missing.json()).toMatchObject({ code: 'E_UNKNOWN_EXPORT' })
      expect(recorded[0]?.data).toEqual({ total: 750 })
      expect(recorded[0]?.metadata).toMatchObject({ causationId: sale.id, correlationId: sale.id })
    } finally {
      await host.stop()
    }
  })
})
