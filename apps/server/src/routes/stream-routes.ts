import { compilePattern, type Event } from '@switchyard/core'
import { streamSSE } from 'hono/streaming'
import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { StreamQuery } from './schemas.js'

/** A client this far behind is cut off rather than buffered without bound. */
const MAX_PENDING = 1000
const HEARTBEAT_MS = 15_000

/**
 * `GET /api/v1/events/stream?pattern=order.**`: Server-Sent Events, one `message` per accepted event whose
 * type matches, `id` = event id and `data` = the event as JSON. Ends when the client goes away or the
 * server shuts down.
 *
 * @example
 * ```ts
 * streamRoutes(api, runtime, shutdownSignal)
 * ```
 */
export function streamRoutes(api: ApiBuilder, runtime: ServerRuntime, closing: AbortSignal): void {
  api.route(
    {
      method: 'get',
      path: '/api/v1/events/stream',
      scope: 'read',
      tag: 'events',
      summary: 'Server-Sent Events of accepted events, filtered by a subscription pattern (default: all)',
      query: StreamQuery,
      responses: { 200: 'text/event-stream; each message: id = event id, data = the event as JSON' },
    },
    (c, { query }) => {
      const pattern = compilePattern(query.pattern ?? '**')
      return streamSSE(c, async (stream) => {
        let pending = 0
        let chain = Promise.resolve()
        const send = (event: Event) => {
          if (!pattern.test(event.type) || stream.aborted) return
          if (++pending > MAX_PENDING) {
            stream.abort()
            return
          }
          chain = chain
            .then(() => stream.writeSSE({ id: event.id, data: JSON.stringify(event) }))
            .finally(() => {
              pending -= 1
            })
        }
        const unobserve = runtime.bus.observe({ published: send })
        const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), HEARTBEAT_MS)
        let end = () => {}
        const ended = new Promise<void>((resolve) => {
          end = resolve
        })
        stream.onAbort(end)
        closing.addEventListener('abort', end, { once: true })
        try {
          // Tells the client the subscription is live: events accepted from now on will arrive.
          await stream.write(`: subscribed to ${pattern.pattern}\n\n`)
          if (!closing.aborted) await ended
        } finally {
          closing.removeEventListener('abort', end)
          clearInterval(heartbeat)
          unobserve()
        }
      })
    },
  )
}
