import type { AsyncLocalStorage } from 'node:async_hooks'
import { createEvent, type Event } from '@switchyard/plugin-sdk'
import type { TraceContext } from './tracing-middleware.js'

/**
 * An `event.before_publish` filter: an event published while a traced request is being handled gets that
 * request's correlation id in `metadata.correlationId`. An id the publisher set itself is kept.
 *
 * @example
 * ```ts
 * ctx.extend('event.before_publish', correlateEvent(storage), { priority: 0 })
 * ```
 */
export function correlateEvent(storage: AsyncLocalStorage<TraceContext>): (event: Event) => Event {
  return (event) => {
    const correlationId = storage.getStore()?.correlationId
    if (correlationId === undefined || event.metadata.correlationId !== undefined) return event
    return createEvent(event.type, event.data, {
      id: event.id,
      source: event.source,
      time: event.time,
      metadata: { ...event.metadata, correlationId },
    })
  }
}
