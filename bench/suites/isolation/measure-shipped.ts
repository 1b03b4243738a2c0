import type { GroupResult, SuiteContext } from '../../lib/suite.js'
import { type Mode, round, rowOf } from '../http.js'

/** The rows of the end-to-end group: the shipped config in-process and with its plugins in worker sandboxes. */
export const SHIPPED_ROWS = {
  shipped: 'shipped config, every plugin in-process',
  'shipped-worker': 'shipped config, plugins in worker sandboxes (request-tracing in-process)',
} as const

/**
 * The shipped `config/switchyard.yaml` end to end (HTTP ingest, SQLite, its plugins handling every event) with its
 * plugins in-process, then in `worker` sandboxes, alternating for `rounds` rounds (the http suite's `round`: a
 * fresh server pinned to CPU 1, autocannon, req/s per CPU-second of the server process).
 */
export async function measureShipped(ctx: SuiteContext, rounds: number): Promise<GroupResult> {
  const seconds = ctx.quick ? 2 : 6
  const modes = Object.keys(SHIPPED_ROWS) as (keyof typeof SHIPPED_ROWS & Mode)[]
  const measured = new Map(modes.map((mode) => [mode, [] as Awaited<ReturnType<typeof round>>[]]))
  for (let i = 0; i < rounds; i++) {
    for (const mode of modes) {
      ctx.log(`shipped config round ${i + 1}/${rounds}: ${mode}`)
      measured.get(mode)?.push(await round(mode, seconds))
    }
  }
  return {
    title: 'shipped config end to end: POST /api/v1/events, plugins in-process vs in worker sandboxes',
    description:
      'order-notifications, webhooks, audit-log and health-checks in worker sandboxes; each event accepted durably and handled by three of them across the boundary.',
    unit: 'req/s',
    baseline: SHIPPED_ROWS.shipped,
    rows: modes.map((mode) => rowOf(SHIPPED_ROWS[mode], measured.get(mode) ?? [])),
  }
}
