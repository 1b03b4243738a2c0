import { createEvent, type Event, type EventInit } from '@switchyard/core'

/**
 * The metadata an event published while handling `cause` inherits: `causationId` = the cause's id and the cause's
 * `correlationId` (the cause's own id when it has none, so a chain started by an uncorrelated event is still one
 * conversation). Values the publisher set itself win.
 *
 * @example
 * ```ts
 * followUpInit({ source: 'billing' }, handled) // { source: 'billing', metadata: { causationId: handled.id, correlationId: … } }
 * ```
 */
export function followUpInit(init: EventInit | undefined, cause: Event): EventInit {
  const inherited = {
    causationId: cause.id,
    correlationId: cause.metadata.correlationId ?? cause.id,
  }
  return { ...init, metadata: { ...inherited, ...init?.metadata } }
}

/**
 * `event` with the metadata it inherits from `cause` (see `followUpInit`), or `event` itself when it already names
 * a cause.
 *
 * @example
 * ```ts
 * const next = followUpEvent(createEvent('invoice.created', { id: 1 }), handled)
 * next.metadata.causationId === handled.id // true
 * ```
 */
export function followUpEvent(event: Event, cause: Event): Event {
  if (event.metadata.causationId !== undefined) return event
  const { id, source, time, metadata } = event
  return createEvent(event.type, event.data, followUpInit({ id, source, time, metadata }, cause))
}
