import type { ExtensionRegistry, HealthResult } from '@switchyard/core'
import type { PluginRuntime } from '../runtime/plugin-runtime.js'

/** Aggregated health: the worst status, each running plugin's health and each `health.check` contribution. */
export interface HealthReport {
  status: HealthResult['status']
  plugins: Record<string, HealthResult>
  checks: { owner?: string; result: HealthResult }[]
  /** Plugins that should run and do not (failed), with the reason; each makes the status at least degraded. */
  failed: Record<string, string>
}

const RANK: Record<HealthResult['status'], number> = { ok: 0, degraded: 1, error: 2 }

/**
 * Runs every plugin's health checks and every `health.check` contribution and reports the worst status.
 *
 * @example
 * ```ts
 * const report = await collectHealth(runtimes, bus.extensions)
 * report.status // 'ok' | 'degraded' | 'error'
 * ```
 */
export async function collectHealth(
  runtimes: Iterable<PluginRuntime>,
  extensions: ExtensionRegistry,
  failed: Record<string, string> = {},
): Promise<HealthReport> {
  const list = [...runtimes]
  const [healths, contributions] = await Promise.all([
    Promise.all(list.map((runtime) => runtime.health())),
    extensions.runCollect<void, HealthResult>('health.check', undefined),
  ])
  const plugins = Object.fromEntries(list.map((runtime, i) => [runtime.name, healths[i] as HealthResult]))
  const checks = contributions.map((result) => ({
    ...(result.owner === undefined ? {} : { owner: result.owner }),
    result: result.ok ? result.value : ({ status: 'error', message: result.error.message } as HealthResult),
  }))
  let status: HealthResult['status'] = Object.keys(failed).length > 0 ? 'degraded' : 'ok'
  for (const result of [...healths, ...checks.map((check) => check.result)]) {
    if (RANK[result.status] > RANK[status]) status = result.status
  }
  return { status, plugins, checks, failed }
}
