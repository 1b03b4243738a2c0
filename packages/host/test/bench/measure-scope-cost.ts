// Publish throughput through a PluginHost's plugin handlers, per CPU second (the machine is shared), to measure
// what the plugin scope (AsyncLocalStorage) costs per delivery. `bus` subscribes the same handlers on a bare
// EventBus (no plugin, no scope); `bus-als` and `host-als` first enter an AsyncLocalStorage once, which turns on
// Node 20's promise hook for the whole process (run against the host before the scope, that is its global cost). Each mode runs in its own process for that reason.
//   node --import tsx packages/host/test/bench/measure-scope-cost.ts host|host-als|bus|bus-als [events]
import { AsyncLocalStorage } from 'node:async_hooks'
import { createEvent, EventBus, type Handler } from '@switchyard/core'
import { definePlugin } from '@switchyard/plugin-sdk'
import { PluginHost } from '../../src/index.js'

const mode = process.argv[2] ?? 'host'
const events = Number(process.argv[3] ?? 100_000)
const BATCH = 100

const handlers: [string, string, Handler][] = [
  ['bench.sync', 'sync_handler', () => undefined],
  ['bench.async', 'async_handler', async () => undefined],
]

async function open(): Promise<{ bus: EventBus; close(): Promise<void> }> {
  if (mode.endsWith('-als')) new AsyncLocalStorage().run(1, () => undefined)
  if (mode.startsWith('bus')) {
    const bus = new EventBus({ defaults: { retry: { attempts: 1 } } })
    for (const [pattern, name, handler] of handlers) bus.subscribe(pattern, handler, { name })
    return { bus, close: () => bus.close() }
  }
  const plugin = definePlugin({
    name: 'bench',
    version: '1.0.0',
    permissions: ['events:subscribe'],
    setup(ctx) {
      for (const [pattern, name, handler] of handlers) ctx.on(pattern, handler, { name })
    },
  })
  const host = new PluginHost({
    appPackageJson: false,
    plugins: [plugin],
    config: { plugin_directories: [], delivery: { retry: { attempts: 1 } } },
  })
  await host.start()
  return { bus: host.bus, close: () => host.stop() }
}

const { bus, close } = await open()
for (const type of ['bench.sync', 'bench.async']) {
  const rates: number[] = []
  for (let run = 0; run < 5; run++) {
    const started = process.cpuUsage()
    for (let i = 0; i < events; i += BATCH) {
      const batch = Array.from({ length: BATCH }, () => bus.publish(createEvent(type, { i })))
      await Promise.all(batch)
    }
    const { user, system } = process.cpuUsage(started)
    rates.push(events / ((user + system) / 1e6))
  }
  rates.sort((a, b) => a - b)
  console.log(
    `${mode} ${type}: median ${Math.round(rates[2] ?? 0)} publishes per CPU second (runs ${rates.map(Math.round).join(', ')})`,
  )
}
await close()
