import { type Event, toCloudEvent, toCloudEventHeaders } from '@switchyard/plugin-sdk'
import type { CloudEventMode, PayloadFormat } from './config.js'

/** The body of a delivery and the headers that describe it (content type, CloudEvents attributes). */
export interface Payload {
  body: string
  headers: Record<string, string>
}

/**
 * Encodes an event for one subscription's format: `json` is the event itself (`application/json`);
 * `cloudevents` is CloudEvents 1.0 over HTTP, `structured` (the whole CloudEvent as
 * `application/cloudevents+json`) or `binary` (`ce-*` headers, the event's data as the JSON body).
 *
 * @example
 * ```ts
 * const { body, headers } = formatPayload(event, 'cloudevents', 'binary')
 * // headers['ce-type'] === event.type; body === JSON.stringify(event.data)
 * ```
 */
export function formatPayload(event: Event, format: PayloadFormat, mode: CloudEventMode): Payload {
  if (format === 'json')
    return { body: JSON.stringify(event), headers: { 'content-type': 'application/json' } }
  if (mode === 'binary')
    return { body: JSON.stringify(event.data ?? null), headers: toCloudEventHeaders(event) }
  return {
    body: JSON.stringify(toCloudEvent(event)),
    headers: { 'content-type': 'application/cloudevents+json' },
  }
}
