import { EventTypeLimitError, JsonDepthLimitError, MetadataLimitError } from '../errors.js'
import type { Event } from './event.js'
import type { EventLimits } from './event-limits.js'

/** C0 controls and DEL: a CR or LF in an idempotency key could split a log line or a header. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/

/** Returns the object it is given, so that a subclass's private fields are added to that object. */
class Stamped {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the point is to stamp an existing object
    return target
  }
}

/**
 * On an event `createEvent` made, the limits it checked it against (so the bus need not walk it again), kept in a
 * private field added to the event itself: JSON, spreads, symbol listings and equality checks do not see it, and
 * a copy is checked afresh. (A WeakMap of every event made would cost the garbage collector more than the walk it
 * saves; `Object.defineProperty` of a symbol cost about 2 µs an event, `/work/notes/ingest/stamp-micro.mjs`.)
 */
class CheckedLimits extends Stamped {
  readonly #limits: Readonly<EventLimits>

  constructor(event: object, limits: Readonly<EventLimits>) {
    super(event)
    this.#limits = limits
  }

  /** The limits `event` was stamped with, if it was. */
  static of(event: object): Readonly<EventLimits> | undefined {
    return #limits in event ? (event as CheckedLimits).#limits : undefined
  }
}

/**
 * Throws `EventTypeLimitError` when `type` is longer than `max` (checked before the type's pattern, which would
 * otherwise scan the whole string).
 *
 * @example
 * ```ts
 * checkTypeLength('order.created', 255, 'event.type')
 * ```
 */
export function checkTypeLength(type: unknown, max: number, field: string): void {
  if (typeof type === 'string' && type.length > max) throw new EventTypeLimitError(field, max, type.length)
}

/**
 * Throws `MetadataLimitError` when a string is longer than `max` or holds a control character; other values pass.
 *
 * @example
 * ```ts
 * checkMetadataString('order-42', 1024, 'event.metadata.idempotencyKey')
 * ```
 */
export function checkMetadataString(value: unknown, max: number, field: string): void {
  if (typeof value !== 'string') return
  if (value.length > max) throw new MetadataLimitError(field, max, value.length)
  if (CONTROL.test(value)) throw new MetadataLimitError(field, max, value.length, 'control characters')
}

/** Checks every string directly under `metadata` (see `checkMetadataString`). */
export function checkMetadataStrings(metadata: object, max: number): void {
  for (const key in metadata)
    checkMetadataString((metadata as Record<string, unknown>)[key], max, `event.metadata.${key}`)
}

/**
 * Remembers, before it is frozen, that `createEvent` checked `event` against `limits`, so that `assertEventWithinLimits` with the
 * same or wider limits costs a lookup instead of a walk.
 */
export function markChecked(event: object, limits: Readonly<EventLimits>): void {
  new CheckedLimits(event, limits)
}

/**
 * Throws the `LimitError` of the first limit `event` exceeds: its type length, id, source and metadata strings,
 * the depth of its data and metadata. An event `createEvent` already checked against limits at least as strict
 * is not walked again.
 *
 * @example
 * ```ts
 * assertEventWithinLimits(event, resolveEventLimits({ jsonDepth: 16 }))
 * ```
 */
export function assertEventWithinLimits(event: Event, limits: Readonly<EventLimits>): void {
  const by = CheckedLimits.of(event)
  if (
    by !== undefined &&
    (by === limits ||
      (by.jsonDepth <= limits.jsonDepth &&
        by.eventTypeLength <= limits.eventTypeLength &&
        by.metadataStringLength <= limits.metadataStringLength))
  )
    return
  const { metadataStringLength: max, jsonDepth } = limits
  checkTypeLength(event.type, limits.eventTypeLength, 'event.type')
  checkMetadataString(event.id, max, 'event.id')
  checkMetadataString(event.source, max, 'event.source')
  if (event.metadata !== null && typeof event.metadata === 'object') checkMetadataStrings(event.metadata, max)
  checkDepth(event.data, jsonDepth, 'event.data')
  checkDepth(event.metadata, jsonDepth, 'event.metadata')
}

/** Throws `JsonDepthLimitError` when `value` nests deeper than `max`; walks no further than `max + 1`. */
function checkDepth(value: unknown, max: number, field: string): void {
  if (value !== null && typeof value === 'object' && deeper(value, 1, max))
    throw new JsonDepthLimitError(field, max, max + 1)
}

function deeper(object: object, depth: number, max: number): boolean {
  if (depth > max) return true
  for (const key in object) {
    const child = (object as Record<string, unknown>)[key]
    if (child !== null && typeof child === 'object' && deeper(child, depth + 1, max)) return true
  }
  return false
}
