import { definePlugin } from '@switchyard/plugin-sdk'
import * as v from 'valibot'

/** How often the check runs and how long it may take (Marty's `get_health_check_interval`, in ms here). */
export const databaseHealthConfig = v.object({
  interval_ms: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(100), v.description('Time between checks')),
    30_000,
  ),
  timeout_ms: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.description('A slower check is an error')),
    2000,
  ),
  degraded_ms: v.optional(
    v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.description('A round trip slower than this is degraded'),
    ),
    500,
  ),
})

/**
 * Marty's `DatabaseHealthPlugin`: checks the plugin's database in the background every `interval_ms` with a
 * round trip (`SELECT 1`) and answers `ok`, `degraded` when it is slow, or `error` when it fails or takes longer
 * than `timeout_ms`. `GET /plugins/database-health/health` shows the last result, its age and the history.
 *
 * @example
 * ```yaml
 * plugins:
 *   database-health: { config: { interval_ms: 30000, timeout_ms: 2000 } }
 * ```
 */
export const databaseHealthPlugin = definePlugin({
  name: 'database-health',
  version: '0.1.0',
  description: "Marty's database health check, run on an interval",
  category: 'health',
  tags: ['database', 'health', 'marty'],
  permissions: ['database:read'],
  config: databaseHealthConfig,
  setup(ctx) {
    const { interval_ms: intervalMs, timeout_ms: timeoutMs, degraded_ms: degradedMs } = ctx.config
    ctx.health(
      async () => {
        const started = performance.now()
        const [row] = await ctx.db.query<{ ok: number }>('SELECT 1 AS ok')
        const latencyMs = Math.round((performance.now() - started) * 100) / 100
        if (row?.ok !== 1) return { status: 'error', message: 'SELECT 1 answered no row' }
        return {
          status: latencyMs > degradedMs ? 'degraded' : 'ok',
          details: { database: 'plugin database', latencyMs },
        }
      },
      { intervalMs, timeoutMs },
    )
  },
})
