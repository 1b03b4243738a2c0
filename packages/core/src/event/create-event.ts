import { v7 as uuidv7 } from 'uuid'
import { EventValidationError } from '../errors.js'
import type { Event, EventInit, EventMetadata } from './event.js'
import { defaultEventLimits, type EventLimits, resolveEventLimits } from './event-limits.js'
import { knownEventType } from './event-type.js'
import { freezeJson } from './freeze-json.js'
import { isoNow } from './iso-now.js'
import { checkMetadataString, checkMetadataStrings, checkTypeLength, markChecked } from './limit-checks.js'

const DEFAULT_SOURCE = 'switchyard'
const STRING_METADATA = ['idempotencyKey', 'correlationId', 'causationId', 'orderingKey'] as const

/**
 * Creates an immutable event: a UUID v7 id, the current time, source `switchyard` and `idempotencyKey` equal to
 * the id unless `init` says otherwise. The event, its data and its metadata are deep-frozen.
 * Throws `EventValidationError` naming the field for an invalid type, id, source, time, metadata or non-JSON data,
 * and a `LimitError` (`E_LIMIT_EVENT_TYPE`, `E_LIMIT_METADATA`, `E_LIMIT_JSON_DEPTH`) for a value past
 * `init.limits` (default `defaultEventLimits`): a type too long, an id, source or metadata string too long or
 * with control characters, data or metadata nested too deep.
 *
 * @example
 * ```ts
 * const event = createEvent('order.status_changed', { orderId: 'o-1', status: 'shipped' }, {
 *   metadata: { orderingKey: 'o-1' },
 * })
 * event.metadata.idempotencyKey === event.id // true
 * ```
 */
export function createEvent<T, K extends string = string>(
  type: K,
  data: T,
  init?: EventInit,
): Event<T> & { readonly type: K } {
  const limits = init?.limits === undefined ? defaultEventLimits : resolveEventLimits(init.limits)
  checkTypeLength(type, limits.eventTypeLength, 'event.type')
  // Typed as given: the string kept for the type is equal to it.
  const eventType = knownEventType(type) as K
  const id = init?.id ?? uuidv7()
  if (typeof id !== 'string' || id === '')
    throw new EventValidationError('event.id: expected a non-empty string')
  if (init?.id !== undefined) checkMetadataString(id, limits.metadataStringLength, 'event.id')
  const source = init?.source ?? DEFAULT_SOURCE
  if (typeof source !== 'string' || source === '') {
    throw new EventValidationError('event.source: expected a non-empty string')
  }
  checkMetadataString(source, limits.metadataStringLength, 'event.source')
  const event = {
    id,
    type: eventType,
    source,
    time: toTime(init?.time),
    data: freezeJson(data, 'event.data', limits.jsonDepth),
    metadata: toMetadata(id, init?.metadata, limits),
  }
  markChecked(event, limits)
  return Object.freeze(event)
}

function toTime(time: string | Date | undefined): string {
  if (time === undefined) return isoNow()
  const date = time instanceof Date ? time : new Date(time)
  if (Number.isNaN(date.getTime())) {
    throw new EventValidationError(
      `event.time: expected an RFC 3339 timestamp or a Date, got ${JSON.stringify(time)}`,
    )
  }
  return typeof time === 'string' ? time : date.toISOString()
}

function toMetadata(
  id: string,
  metadata: EventInit['metadata'],
  limits: Readonly<EventLimits>,
): EventMetadata {
  if (metadata === undefined) return Object.freeze({ idempotencyKey: id })
  for (const key of STRING_METADATA) {
    const value = metadata[key]
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new EventValidationError(
        `event.metadata.${key}: expected a non-empty string, got ${JSON.stringify(value)}`,
      )
    }
  }
  checkMetadataStrings(metadata, limits.metadataStringLength)
  return freezeJson(
    { ...metadata, idempotencyKey: metadata.idempotencyKey ?? id },
    'event.metadata',
    limits.jsonDepth,
  )
}
