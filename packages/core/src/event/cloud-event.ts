import * as v from 'valibot'
import { EventValidationError } from '../errors.js'
import { createEvent } from './create-event.js'
import type { Event } from './event.js'
import type { EventLimits } from './event-limits.js'
import { isValidEventType } from './event-type.js'

/** A CloudEvents 1.0 event in structured JSON mode, with metadata as extension attributes. */
export interface CloudEventJson {
  specversion: '1.0'
  id: string
  source: string
  type: string
  time?: string
  datacontenttype?: string
  data?: unknown
  [extension: string]: unknown
}

/** Context attributes of the spec itself; every other attribute is an extension carried in metadata. */
const RESERVED = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'datacontenttype',
  'data',
  'data_base64',
])

/** Metadata members with a conventional extension name (`partitionkey` is the CloudEvents partitioning extension). */
const TO_ATTRIBUTE: Record<string, string> = {
  idempotencyKey: 'idempotencykey',
  correlationId: 'correlationid',
  causationId: 'causationid',
  orderingKey: 'partitionkey',
}
const FROM_ATTRIBUTE = Object.fromEntries(
  Object.entries(TO_ATTRIBUTE).map(([key, attribute]) => [attribute, key]),
)

const nonEmpty = (field: string) =>
  v.pipe(v.string(`expected a string`), v.minLength(1, `${field} must not be empty`))
const schema = v.looseObject({
  specversion: v.literal('1.0', 'expected "1.0"'),
  id: nonEmpty('id'),
  source: nonEmpty('source'),
  type: v.pipe(
    v.string('expected a string'),
    v.check(
      (type: string) => isValidEventType(type),
      'expected dot-separated segments of [a-z0-9_-]+ (e.g. "order.status_changed")',
    ),
  ),
  time: v.optional(
    v.pipe(
      v.string('expected an RFC 3339 timestamp'),
      v.check((time) => !Number.isNaN(Date.parse(time)), 'expected an RFC 3339 timestamp'),
    ),
  ),
  datacontenttype: v.optional(v.string('expected a media type')),
  data_base64: v.optional(v.string('expected base64 text')),
})

/**
 * Converts an event to CloudEvents 1.0 structured JSON. Metadata becomes extension attributes: `idempotencyKey`
 * -> `idempotencykey`, `correlationId` -> `correlationid`, `causationId` -> `causationid`, `orderingKey` ->
 * `partitionkey`; other keys lower-cased with anything but `[a-z0-9]` removed, non-scalar values as JSON text.
 *
 * @example
 * ```ts
 * const ce = toCloudEvent(createEvent('order.created', { id: 1 }))
 * ce.specversion // '1.0'
 * JSON.stringify(ce) // body of `application/cloudevents+json`
 * ```
 */
export function toCloudEvent(event: Event): CloudEventJson {
  const cloudEvent: CloudEventJson = {
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: event.type,
    time: event.time,
    datacontenttype: 'application/json',
    data: event.data,
  }
  for (const [key, value] of Object.entries(event.metadata)) {
    if (value === undefined) continue
    const attribute = TO_ATTRIBUTE[key] ?? key.toLowerCase().replace(/[^a-z0-9]/g, '')
    if (attribute === '' || RESERVED.has(attribute)) {
      throw new EventValidationError(
        `event.metadata.${key}: cannot be carried as a CloudEvents extension attribute`,
      )
    }
    cloudEvent[attribute] = typeof value === 'object' ? JSON.stringify(value) : value
  }
  return cloudEvent
}

/**
 * Reads a CloudEvents 1.0 event in structured JSON mode (an object or its JSON text) into a deep-frozen
 * `Event`. Extension attributes become metadata. Throws `EventValidationError` naming the bad attribute, or the
 * `LimitError` of a value past `limits` (see `createEvent`).
 *
 * @example
 * ```ts
 * const event = fromCloudEvent({ specversion: '1.0', id: 'a1', source: 'shop', type: 'order.created', data: { id: 1 } })
 * ```
 */
export function fromCloudEvent(input: unknown, limits?: Partial<EventLimits>): Event {
  return parseCloudEvent(
    typeof input === 'string' ? parseJson(input, 'cloudevent') : input,
    (key) => `cloudevent.${key}`,
    limits,
  )
}

/** Validates CloudEvent attributes; `field` names an attribute in error messages (a JSON path or an HTTP header). */
export function parseCloudEvent(
  input: unknown,
  field: (attribute: string) => string,
  limits?: Partial<EventLimits>,
): Event {
  const result = v.safeParse(schema, input)
  if (!result.success) {
    const issue = result.issues[0]
    const key = issue.path?.map((item) => String(item.key)).join('.')
    const where = key === undefined ? field('') : field(key)
    const problem =
      issue.input === undefined ? 'required, missing' : `${issue.message}, got ${JSON.stringify(issue.input)}`
    throw new EventValidationError(`${where}: ${problem}`)
  }
  const {
    specversion: _,
    id,
    source,
    type,
    time,
    datacontenttype,
    data_base64,
    data,
    ...extensions
  } = result.output
  const metadata: Record<string, unknown> = {}
  for (const [attribute, value] of Object.entries(extensions))
    metadata[FROM_ATTRIBUTE[attribute] ?? attribute] = value
  const payload = data_base64 === undefined ? data : decodeBase64Json(data_base64, datacontenttype, field)
  return createEvent(type, payload ?? null, {
    id,
    source,
    ...(time === undefined ? {} : { time }),
    metadata,
    ...(limits === undefined ? {} : { limits }),
  })
}

/** Parses JSON text, naming `field` when it is not JSON. */
export function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new EventValidationError(`${field}: expected JSON, ${(error as Error).message}`)
  }
}

function decodeBase64Json(
  base64: string,
  contentType: string | undefined,
  field: (key: string) => string,
): unknown {
  if (contentType !== undefined && !contentType.includes('json')) {
    throw new EventValidationError(`${field('data_base64')}: only JSON data is supported, got ${contentType}`)
  }
  return parseJson(Buffer.from(base64, 'base64').toString('utf8'), field('data_base64'))
}
