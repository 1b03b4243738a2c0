import { createEvent, type Event, fromCloudEvent, fromCloudEventHttp } from '@switchyard/core'
import type { Context } from 'hono'
import { UnsupportedMediaTypeError } from './errors.js'
import { CloudEventBody, PlainEventBody } from './schemas.js'
import { parseInput, parseJson } from './validate.js'

/** Media types of the event body; the request bodies the OpenAPI document lists for publish and explain. */
export const EVENT_MEDIA = {
  'application/json': PlainEventBody,
  'application/cloudevents+json': CloudEventBody,
  // Binary mode: attributes in ce-* headers, the data as the body in its own content type.
  '*/*': null,
}

const mediaType = (c: Context): string =>
  (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()

/**
 * Turns a request and its body text (read within the body limit) into an event: a plain `{ type, data, source?, metadata? }` JSON body, a CloudEvent in
 * structured mode (`application/cloudevents+json`) or in binary mode (`ce-*` headers, data as the body).
 * Validation failures are 400s naming the field; any other content type is a 415.
 *
 * @example
 * ```ts
 * const event = readEvent(c, await readBodyText(c, maxBytes))
 * await bus.enqueue(event)
 * ```
 */
export function readEvent(c: Context, text: string): Event {
  if (c.req.header('ce-specversion') !== undefined) {
    return fromCloudEventHttp(c.req.header(), text)
  }
  const type = mediaType(c)
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
