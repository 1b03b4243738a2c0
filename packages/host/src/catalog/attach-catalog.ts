import { builtinExtensionPoints, type EventBus, EventRejectedError } from '@switchyard/core'
import type { EventCatalog } from './event-catalog.js'

/**
 * Makes the bus reject events whose payload breaks a declared schema, whoever publishes them: a
 * `event.before_publish` contribution running last, so it checks the event as enriched. Returns the remover.
 *
 * @example
 * ```ts
 * const detach = attachCatalog(bus, catalog)
 * ```
 */
export function attachCatalog(bus: EventBus, catalog: EventCatalog): () => void {
  return bus.extensions.contribute(
    builtinExtensionPoints.beforePublish,
    (event) => {
      const problem = catalog.validate(event)
      if (problem !== undefined) throw new EventRejectedError(problem)
      return event
    },
    { priority: Number.MAX_SAFE_INTEGER, owner: 'switchyard' },
  )
}
