import type { HandlerReplayProgress, Logger } from '@switchyard/core'
import * as v from 'valibot'
import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { progressStream, wantsEventStream } from './progress-stream.js'
import { replayMoment } from './replay-window.js'
import { HandlerReplaySummary } from './responses/replay-responses.js'

/**
 * Body of `POST /api/v1/handlers/{name}/replay`.
 *
 * @example
 * ```ts
 * v.parse(HandlerReplayBody, { since: '24h', type: 'order.*', bypassIdempotency: true })
 * ```
 */
export const HandlerReplayBody = v.strictObject({
  since: v.pipe(v.string(), v.description('RFC 3339, or a duration back from now: 90s, 30m, 24h, 7d')),
  until: v.optional(v.pipe(v.string(), v.description('RFC 3339 or a duration back from now; default now'))),
  type: v.optional(v.pipe(v.string(), v.description('Only events of this type or pattern (order.*)'))),
  bypassIdempotency: v.optional(
    v.pipe(
      v.boolean(),
      v.description('Run even the events the handler already handled (for this replay only); default false'),
    ),
  ),
})

const PROGRESS =
  'With Accept: text/event-stream: `event: progress` per event run ({ eventId, type, status, done }), then `event: result` ({ status, body }: the JSON answer) or `event: error` ({ status, error: { code, message } })'

/**
 * `POST /api/v1/handlers/{name}/replay`: runs the stored events of a time window through one handler again (a
 * new handler catching up, a fixed one re-run), with its progress as Server-Sent Events when asked.
 *
 * @example
 * ```ts
 * handlerRoutes(api, runtime, logger)
 * ```
 */
export function handlerRoutes(api: ApiBuilder, runtime: ServerRuntime, logger: Logger): void {
  api.route(
    {
      method: 'post',
      path: '/api/v1/handlers/:name/replay',
      scope: 'admin',
      tag: 'handlers',
      summary:
        'Run the stored events of a window (within retention) through one handler again, oldest first; idempotency is bypassed only with bypassIdempotency',
      body: HandlerReplayBody,
      eventStream: PROGRESS,
      responses: {
        200: { description: 'How many events ran, by final status', schema: HandlerReplaySummary },
        404: 'No such handler',
      },
    },
    async (c, { body }) => {
      const handler = c.req.param('name')!
      c.set('auditTarget', handler)
      const now = Date.now()
      const options = {
        since: replayMoment(body.since, now, 'body.since'),
        ...(body.until === undefined ? {} : { until: replayMoment(body.until, now, 'body.until') }),
        ...(body.type === undefined ? {} : { type: body.type }),
        bypassIdempotency: body.bypassIdempotency === true,
      }
      const replay = (onProgress?: (progress: HandlerReplayProgress) => void) =>
        runtime.bus.replayHandler(handler, onProgress === undefined ? options : { ...options, onProgress })
      if (wantsEventStream(c)) return progressStream(c, logger, replay, 200)
      return c.json(await replay())
    },
  )
}
