import {
  createEvent,
  defaultEventLimits,
  type Event,
  type EventInit,
  type EventLimits,
  fromCloudEvent,
  fromCloudEventHttp,
  resolveDeliverAt,
} from '@switchyard/core'
import { UnsupportedMediaTypeError } from '../errors.js'
import { checkJsonDepth } from '../http/check-json-depth.js'
import { parseInput, parseJson } from '../http/validate.js'
import { CloudEventBody, PlainEventBody } from './schemas.js'

/** Media types of the event body; the request bodies the OpenAPI document lists for publish and explain. */
export const EVENT_MEDIA = {
  'application/json': PlainEventBody,
  'application/cloudevents+json': CloudEventBody,
  // Binary mode: attributes in ce-* headers, the data as the body in its own content type.
  '*/*': null,
}

/** Request headers by lower-case name, as Node's `req.headers` or Hono's `c.req.header()` give them. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>

const mediaType = (headers: RequestHeaders): string => {
  const value = headers['content-type']
  const text = (Array.isArray(value) ? value[0] : value) ?? ''
  // The usual header as is: no array and strings made to split, trim and lower-case it.
  if (text === 'application/json') return text
  return text.split(';')[0]!.trim().toLowerCase()
}

/**
 * Turns a request's headers and body text (read within the body limit) into an event: a plain `{ type, data,
 * source?, metadata?, deliverAt?, delayMs? }` JSON body (a due time goes to `metadata.deliverAt`: `enqueue`
 * delays the delivery), a CloudEvent in structured mode (`application/cloudevents+json`) or in binary
 * mode (`ce-*` headers, data as the body).
 * Validation failures are 400s naming the field; any other content type is a 415. The event is checked against
 * `limits` (the bus's: config `limits:`), and JSON text nested deeper than `limits.jsonDepth` is refused before
 * it is parsed: each a 400 with the limit's code (`E_LIMIT_JSON_DEPTH`, `E_LIMIT_EVENT_TYPE`, `E_LIMIT_METADATA`).
 *
 * @example
 * ```ts
 * const event = readEvent(c.req.header(), await readBodyText(c, maxBytes), bus.limits)
 * await bus.enqueue(event)
 * ```
 */
export function readEvent(
  headers: RequestHeaders,
  text: string,
  limits: Readonly<EventLimits> = defaultEventLimits,
): Event {
  const type = mediaType(headers)
  if (headers['ce-specversion'] !== undefined) {
    // Binary mode: the body is the data itself, so no envelope level; non-JSON data is not scanned.
    if (type === '' || type.includes('json')) checkJsonDepth(text, limits.jsonDepth, 'body')
    return fromCloudEventHttp(headers, text, limits)
  }
  // The envelope (`{ type, data }`, a structured CloudEvent) is one level above the data the limit bounds.
  const envelope = limits.jsonDepth + 1
  if (type === 'application/cloudevents+json') {
    return fromCloudEvent(parseInput(CloudEventBody, parseJson(text, envelope, 1), 'body'), limits)
  }
  if (type === 'application/json' || type === '') {
    const body = parseInput(PlainEventBody, parseJson(text, envelope, 1), 'body')
    const deliverAt = resolveDeliverAt(body, Date.now(), undefined, 'body.')
    const metadata = deliverAt === undefined ? body.metadata : { ...body.metadata, deliverAt }
    // Members set one by one: spreads of conditional literals would make four objects per request.
    const init: EventInit = { limits }
    if (body.source !== undefined) init.source = body.source
    if (metadata !== undefined) init.metadata = metadata
    return createEvent(body.type, body.data ?? null, init)
  }
  throw new UnsupportedMediaTypeError(
    `content type "${type}" is not accepted: send application/json, application/cloudevents+json, or a binary-mode CloudEvent with ce-* headers`,
  )
}
