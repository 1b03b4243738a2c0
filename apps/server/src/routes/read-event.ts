import { createEvent, type Event, fromCloudEvent, fromCloudEventHttp } from '@switchyard/core'
import { UnsupportedMediaTypeError } from '../errors.js'
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
  return ((Array.isArray(value) ? value[0] : value) ?? '').split(';')[0]!.trim().toLowerCase()
}

/**
 * Turns a request's headers and body text (read within the body limit) into an event: a plain `{ type, data,
 * source?, metadata? }` JSON body, a CloudEvent in structured mode (`application/cloudevents+json`) or in binary
 * mode (`ce-*` headers, data as the body).
 * Validation failures are 400s naming the field; any other content type is a 415.
 *
 * @example
 * ```ts
 * const event = readEvent(c.req.header(), await readBodyText(c, maxBytes))
 * await bus.enqueue(event)
 * ```
 */
export function readEvent(headers: RequestHeaders, text: string): Event {
  if (headers['ce-specversion'] !== undefined) return fromCloudEventHttp(headers, text)
  const type = mediaType(headers)
  if (type === 'application/cloudevents+json') {
    return fromCloudEvent(parseInput(CloudEventBody, parseJson(text), 'body'))
  }
  if (type === 'application/json' || type === '') {
    const body = parseInput(PlainEventBody, parseJson(text), 'body')
    return createEvent(body.type, body.data ?? null, {
      ...(body.source === undefined ? {} : { source: body.source }),
      ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
    })
  }
  throw new UnsupportedMediaTypeError(
    `content type "${type}" is not accepted: send application/json, application/cloudevents+json, or a binary-mode CloudEvent with ce-* headers`,
  )
}
