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
