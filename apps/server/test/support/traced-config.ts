import { fileURLToPath } from 'node:url'
import { testConfig } from './test-server.js'

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
