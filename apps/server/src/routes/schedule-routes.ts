import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { ScheduleInfo, ScheduleList } from './responses/schedule-responses.js'

/**
 * `GET /api/v1/schedules`: the config's cron schedules with their next tick and the last one published
 * (cluster-wide on NATS: the progress is in the shared store).
 *
 * @example
 * ```ts
 * scheduleRoutes(api, runtime)
 * ```
 */
export function scheduleRoutes(api: ApiBuilder, runtime: ServerRuntime): void {
  api.schemas({ ScheduleInfo })
  api.route(
    {
      method: 'get',
      path: '/api/v1/schedules',
      scope: 'read',
      tag: 'schedules',
      summary: 'Cron schedules (config schedules:) with their next and last runs',
      responses: { 200: { description: 'Every schedule', schema: ScheduleList } },
    },
    async (c) => c.json({ schedules: await runtime.schedules() }),
  )
}
