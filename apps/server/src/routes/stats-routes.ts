import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerStats } from '../stats/server-stats.js'
import { Stats } from './responses/stats-responses.js'
import { StatsQuery } from './schemas.js'

/** The store and transport a server runs on, by driver name (config `storage.driver`, `transport.driver`). */
export interface Backends {
  storage: string
  transport: string
}

/**
 * `GET /api/v1/stats[?seconds=N]`: what the admin UI's overview charts, from `stats`' per-second ring buffers,
 * with the store and transport in use.
 *
 * @example
 * ```ts
 * statsRoutes(api, stats, { storage: 'sqlite', transport: 'memory' })
 * ```
 */
export function statsRoutes(api: ApiBuilder, stats: ServerStats, backends: Backends): void {
  api.route(
    {
      method: 'get',
      path: '/api/v1/stats',
      scope: 'read',
      tag: 'system',
      summary:
        'Per-second stats of this server process over the last 15 minutes (or ?seconds=N): events accepted, delivery outcomes by status, handler latency p50/p95; the latest failures; the store and transport in use',
      query: StatsQuery,
      responses: { 200: { description: 'The series, oldest second first', schema: Stats } },
    },
    (c, { query }) => c.json({ ...stats.snapshot(query.seconds), backends }),
  )
}
