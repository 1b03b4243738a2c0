import type { Telemetry } from './start-tracing.js'
import type { TelemetrySettings } from './telemetry-settings.js'

/**
 * Starts telemetry as `settings` ask: undefined for exporter `none` (no span is made anywhere), else tracing
 * (`startTracing`). The SDK and the exporter are imported only then, so a server without telemetry does not pay
 * for loading them at start.
 *
 * @example
 * ```ts
 * const telemetry = await startTelemetry(telemetrySettings(config.telemetry, process.env), version)
 * await telemetry?.shutdown()
 * ```
 */
export async function startTelemetry(
  settings: TelemetrySettings,
  version: string,
): Promise<Telemetry | undefined> {
  if (settings.exporter === 'none') return undefined
  const { startTracing } = await import('./start-tracing.js')
  return startTracing(settings, version)
}
