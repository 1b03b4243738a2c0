import type { Event } from '../event/event.js'

/**
 * The value at a dot path (split into its segments) inside an event, or undefined when a segment is missing:
 * how route keys and flow-control keys (`data.customer.id`) read events.
 *
 * @example
 * ```ts
 * readPath(event, ['data', 'status']) // 'shipped'
 * ```
 */
export function readPath(event: Event, path: readonly string[]): unknown {
  let value: unknown = event
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}
