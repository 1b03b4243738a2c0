import { fileURLToPath } from 'node:url'
import { TOKENS, testConfig } from './test-server.js'

/** The tracing fixture plugin (order-flow): fan-out, a retried handler, a follow-up event, a dead letter. */
const TRACED_PLUGINS = fileURLToPath(new URL('../fixtures/traced', import.meta.url))

/**
 * The configuration of a test server with the tracing fixture plugin, exporting OTLP to `endpoint` (service
 * `shop`, every trace sampled). Set `OTEL_BSP_SCHEDULE_DELAY` low in the test: spans then leave within it.
 *
 * @example
 * ```ts
 * const t = await startTestServer(tracedConfig(receiver.url))
 * ```
 */
export function tracedConfig(
  endpoint: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return testConfig({
    plugin_directories: [TRACED_PLUGINS],
    telemetry: { service_name: 'shop', traces: { exporter: 'otlp', endpoint, sample_ratio: 1 } },
    ...overrides,
  })
}

/**
 * `POST /api/v1/events` of a `{ type, data }` event to a server process at `url` with the publish token and the
 * W3C `traceparent` given (plus `headers`).
 *
 * @example
 * ```ts
 * const res = await publishTraced(server.url, { type: 'order.created' }, `00-${trace}-${span}-01`)
 * ```
 */
export function publishTraced(
  url: string,
  event: { type: string; data?: unknown },
  traceparent: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKENS.publish}`,
      'content-type': 'application/json',
      traceparent,
      ...headers,
    },
    body: JSON.stringify(event),
  })
}
