import type { ExtensionRegistry, HealthResult } from '@switchyard/core'
import type { PluginRecord } from '../lifecycle/plugin-record.js'
import { collectHealth, type HealthReport } from './collect-health.js'
import type { ScheduledCheckReport } from './health-sample.js'

/**
 * Health of the running plugins and the `health.check` contributions; enabled plugins that failed degrade it.
 *
 * @example
 * ```ts
 * const report = await hostHealth(plugins.list(), bus.extensions)
 * ```
 */
export function hostHealth(
  records: readonly PluginRecord[],
  extensions: ExtensionRegistry,
): Promise<HealthReport> {
  const running = records.flatMap((record) => (record.runtime ? [record.runtime] : []))
  const failed = Object.fromEntries(
    records
      .filter((record) => record.state === 'failed' && record.enabled)
      .map((record) => [record.name, record.reason ?? 'failed']),
  )
  return collectHealth(running, extensions, failed)
}

/** One plugin's health: the worst result, its state, and each check's last run, age and history when running. */
export type PluginHealth = HealthResult & { state: string; checks?: ScheduledCheckReport[] }

/**
 * Health of one plugin: its checks when running, `error` with the reason when failed, else its state.
 *
 * @example
 * ```ts
 * const { status, state } = await pluginHealth(record)
 * ```
 */
export async function pluginHealth(record: PluginRecord): Promise<PluginHealth> {
  if (record.runtime) {
    const { result, checks } = await record.runtime.healthReport()
    return { ...result, state: record.state, checks }
  }
  const status = record.state === 'failed' ? 'error' : 'degraded'
  return { status, state: record.state, ...(record.reason ? { message: record.reason } : {}) }
}
