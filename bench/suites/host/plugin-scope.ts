import { createEvent, type Event } from '@switchyard/core'
import { PluginHost } from '@switchyard/host'
import { definePlugin } from '@switchyard/plugin-sdk'
import { type BenchCase, measureGroup } from '../../lib/measure.js'
import type { GroupResult, SuiteContext } from '../../lib/suite.js'

const PATTERN = 'bench.scope.*'
const HANDLER = 'scope_handler'

/** A counting async handler and the events of the next round, the same for both cases. */
function counting() {
  let calls = 0
  let events: Event[] = []
  return {
    handler: async () => {
      calls++
    },
    calls: () => calls,
    prepare(count: number) {
      events = Array.from({ length: count }, (_, i) => createEvent('bench.scope.tick', { i }))
    },
    event: (i: number) => events[i] as Event,
  }
}

/** A started PluginHost whose plugin subscribes the handler through `ctx.on` (`viaPlugin`) or that leaves it to the caller. */
async function startHost(work: ReturnType<typeof counting>, viaPlugin: boolean): Promise<PluginHost> {
  const plugin = definePlugin({
    name: 'bench-scope',
    version: '1.0.0',
    permissions: ['events:subscribe'],
    setup(ctx) {
      if (viaPlugin) ctx.on(PATTERN, work.handler, { name: HANDLER })
    },
  })
  const host = new PluginHost({
    appPackageJson: false,
    plugins: [plugin],
    config: { plugin_directories: [], delivery: { retry: { attempts: 1 } } },
  })
  await host.start()
  if (!viaPlugin) host.bus.subscribe(PATTERN, work.handler, { name: HANDLER })
  return host
}

function hostCase(name: string, viaPlugin: boolean): BenchCase {
  return {
    name,
    async setup() {
      const work = counting()
      const host = await startHost(work, viaPlugin)
      return {
        prepare: work.prepare,
        run: (i) => host.bus.publish(work.event(i)),
        calls: work.calls,
        callsPerOp: 1,
        teardown: () => host.stop(),
      }
    },
  }
}

export const SCOPED = 'handler of a plugin (fault scope)'
export const UNSCOPED = 'same handler on the host bus, no plugin scope'

/**
 * What issue 15's plugin scope costs per delivery: one async handler subscribed by a plugin through `ctx.on` on
 * the real PluginHost (each attempt in an AsyncLocalStorage scope naming the plugin and delivery) against the same
 * handler subscribed on such a host's bus directly: same bus, catalog filter and process, no scope.
 */

export function measurePluginScope(ctx: SuiteContext): Promise<GroupResult> {
  return measureGroup(
    {
      title:
        'Publish to one async handler on PluginHost: through a plugin (fault scope) vs subscribed directly',
      unit: 'events/s',
      baseline: UNSCOPED,
      cases: [hostCase(SCOPED, true), hostCase(UNSCOPED, false)],
    },
    ctx,
  )
}
