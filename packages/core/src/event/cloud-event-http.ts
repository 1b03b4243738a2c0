import { EventValidationError } from '../errors.js'
import { parseCloudEvent, parseJson, toCloudEvent } from './cloud-event.js'
import type { Event } from './event.js'
import type { EventLimits } from './event-limits.js'

/** HTTP headers as fetch `Headers` or node's `IncomingHttpHeaders`. */
export type HttpHeadersInput = Headers | Record<string, string | string[] | undefined>

const STRUCTURED = 'application/cloudevents+json'

/**
 * The headers of an event in CloudEvents 1.0 binary HTTP mode: `ce-*` attributes (percent-encoded as the HTTP
 * binding asks) and `content-type: application/json`; the body is `JSON.stringify(event.data)`.
 *
 * @example
 * ```ts
 * await fetch(url, { method: 'POST', headers: toCloudEventHeaders(event), body: JSON.stringify(event.data) })
 * ```
 */
export function toCloudEventHeaders(event: Event): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [attribute, value] of Object.entries(toCloudEvent(event))) {
    if (attribute === 'data' || attribute === 'datacontenttype') continue
    headers[`ce-${attribute}`] = encodeHeader(String(value))
  }
  headers['content-type'] = 'application/json'
  return headers
}

/**
 * Reads an event from an HTTP request in either CloudEvents mode: structured when the content type is
 * `application/cloudevents+json`, binary (`ce-*` headers, data in the body) otherwise. Throws
 * `EventValidationError` naming the header or body at fault.
 *
 * @example
 * ```ts
 * const event = fromCloudEventHttp(request.headers, await request.text())
 * ```
 */
export function fromCloudEventHttp(
  headers: HttpHeadersInput,
  body: string | Uint8Array | undefined,
  limits?: Partial<EventLimits>,
): Event {
  const lower = normalise(headers)
  const contentType = lower.get('content-type') ?? 'application/json'
  const text =
    typeof body === 'string' || body === undefined ? (body ?? '') : Buffer.from(body).toString('utf8')
  if (contentType.startsWith(STRUCTURED)) {
    return parseCloudEvent(parseJson(text, 'body'), (key) => `body.${key}`, limits)
  }
  const attributes: Record<string, unknown> = {}
  for (const [name, value] of lower) {
    if (name.startsWith('ce-')) attributes[name.slice(3)] = decodeHeader(value, name)
  }
  const isJson = contentType.includes('json')
  attributes.data = text === '' ? null : isJson ? parseJson(text, 'body') : text
  return parseCloudEvent(attributes, (key) => (key === 'data' ? 'body' : `header ce-${key}`), limits)
}

function normalise(headers: HttpHeadersInput): Map<string, string> {
  if (headers instanceof Headers) return new Map(headers.entries())
  const entries: [string, string][] = []
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      entries.push([name.toLowerCase(), Array.isArray(value) ? value.join(',') : value])
  }
  return new Map(entries)
}

/** Percent-encodes what the CloudEvents HTTP binding requires: space, `"`, `%` and anything outside printable ASCII. */
function encodeHeader(value: string): string {
  return value.replace(/[^\x21\x23-\x24\x26-\x7e]/gu, (char) =>
    encodeURIComponent(char).replace(/%20/g, '%20'),
  )
}

function decodeHeader(value: string, name: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw new EventValidationError(`header ${name}: invalid percent-encoding in ${JSON.stringify(value)}`)
  }
}
