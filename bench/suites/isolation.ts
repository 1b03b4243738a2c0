import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Row, Suite, SuiteContext, TargetCheck } from '../lib/suite.js'
import { findRow, ratioTarget } from '../lib/targets.js'
import { modeRow } from './isolation/isolated-hosts.js'
import { CONCURRENT, measureDelivery, measureRoute } from './isolation/measure-boundary.js'
import { measureShipped, SHIPPED_ROWS } from './isolation/measure-shipped.js'
import { measureStart, STARTED } from './isolation/measure-start.js'

const notes = [
  `**Isolation** (issue 16): the same plugin file (a no-op async handler, a GET route, a health check) run
in-process, in a \`worker_threads\` sandbox and in a child-process sandbox under Node's permission model, on the
real \`PluginHost\`. One timed operation starts ${CONCURRENT} publishes (or route requests) at once and awaits them
all, the way a server under load has many deliveries in flight: messages to a sandbox go in one batch per event-loop
turn, so the boundary is crossed once per batch, not once per event. Figures are per event (or request).`,
  `The rows are compared by **wall clock**, not CPU time: the process sandbox works in another process whose CPU
this process's clock does not count (the worker's does count: it is a thread of this process). p50/p99 are of
one batch of ${CONCURRENT}. The route rows call the host's Hono app directly (\`host.fetch\`), no socket: the
boundary's cost is the whole difference, where through a real HTTP server it would be a smaller share.`,
  `**Start-up**: \`host.start()\` with ${STARTED} plugin files (single files, so no package.json
\`eventPlugin.name\`): each isolated plugin's manifest is read in a sandbox before anything of it runs in the host. A
worker that read it goes on as the plugin's own sandbox (its file name is the name it gives itself), ${STARTED}
launches in all; a process reading an undeclared module's manifest may write only in a shared folder, so the
plugin's own process is launched after it, ${STARTED * 2} launches (a package declaring its name gets one). Sandboxes
start side by side, a few per core at once, each after the plugins it depends on; \`host.stop()\` outside the timer.`,
  `**Shipped config end to end**: the http suite's \`shipped\` row (the real server from \`config/switchyard.yaml\`,
SQLite, autocannon with 32 connections, req/s per CPU-second of the server process pinned to CPU 1) against the
same server with order-notifications, webhooks, audit-log and health-checks in \`worker\` sandboxes. request-tracing
stays in-process: it contributes \`http.middleware\`, which a sandbox refuses by design (it would stall every
request), so "all five in worker mode" cannot start. The worker threads run on the server's core, so their CPU
counts in the ratio.`,
]

/** Plugin isolation: delivery and route throughput through a sandbox vs in-process, start-up of 20 sandboxes. */
export const isolationSuite: Suite = {
  name: 'isolation',
  title: 'plugin isolation: deliveries and routes through worker and process sandboxes, start-up',
  async run(ctx: SuiteContext) {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-isolation-'))
    try {
      const delivery = await measureDelivery(dir, ctx)
      const route = await measureRoute(dir, ctx)
      const start = await measureStart(dir, ctx.quick ? 1 : 3)
      const shipped = await measureShipped(ctx, ctx.quick ? 1 : 3)
      ctx.log(`start: ${start.rows.map((r) => `${r.name} ${r.p50Ms.toFixed(0)} ms`).join(', ')}`)
      const vs = (group: typeof delivery, mode: 'worker' | 'process'): [Row, Row] => [
        findRow(group, modeRow(mode)),
        findRow(group, modeRow('none')),
      ]
      const targets: TargetCheck[] = [
        ratioTarget('no-op delivery, worker / in-process', ...vs(delivery, 'worker'), { min: 0.2 }),
        ratioTarget('plugin route, worker / in-process', ...vs(route, 'worker'), { min: 0.5 }),
        ratioTarget(
          'shipped config end to end, plugins in worker sandboxes / in-process',
          findRow(shipped, SHIPPED_ROWS['shipped-worker']),
          findRow(shipped, SHIPPED_ROWS.shipped),
          { min: 0.85 },
        ),
      ]
      return { groups: [delivery, route, start, shipped], targets, notes }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  },
}
