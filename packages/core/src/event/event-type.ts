import { EventValidationError } from '../errors.js'

const EVENT_TYPE = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/

/**
 * Whether `type` is a valid event type: dot-separated segments of `[a-z0-9_-]+`.
 *
 * @example
 * ```ts
 * isValidEventType('order.status_changed') // true
 * isValidEventType('Order..created') // false
 * ```
 */
export function isValidEventType(type: unknown): type is string {
  return typeof type === 'string' && EVENT_TYPE.test(type)
}

/** Throws an `EventValidationError` naming `field` when `type` is not a valid event type. */
export function assertEventType(type: unknown, field = 'event.type'): asserts type is string {
  if (!isValidEventType(type)) {
    throw new EventValidationError(
      `${field}: expected dot-separated segments of [a-z0-9_-]+ (e.g. "order.status_changed"), got ${JSON.stringify(type)}`,
    )
  }
}

/** Valid event types met lately, each to the one string kept for it; cleared when full, so it stays bounded. */
const knownTypes = new Map<string, string>()
const MAX_KNOWN_TYPES = 1_000

/**
 * `type` checked as `assertEventType` checks it, returned as the one string kept for that type: the events of a
 * type then share one string instead of each keeping the copy its JSON body was parsed into (40 bytes an event,
 * 10,000 events in a `MemoryStore`), and a type met before is not matched against the pattern again.
 *
 * @example
 * ```ts
 * const type = knownEventType(JSON.parse(body).type) // the same string for every 'order.created'
 * ```
 */
export function knownEventType(type: unknown, field = 'event.type'): string {
  const known = typeof type === 'string' ? knownTypes.get(type) : undefined
  if (known !== undefined) return known
  assertEventType(type, field)
  if (knownTypes.size >= MAX_KNOWN_TYPES) knownTypes.clear()
  knownTypes.set(type, type)
  return type
}
