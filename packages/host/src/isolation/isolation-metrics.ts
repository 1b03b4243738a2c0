import { Counter, type Registry } from 'prom-client'

/** The host's counters of sandbox ends and restarts, per plugin and reason. */
export interface IsolationMetrics {
  exits: Counter<'plugin' | 'reason'>
  restarts: Counter<'plugin' | 'reason'>
}

/**
 * Registers `switchyard_plugin_sandbox_exits_total` and `switchyard_plugin_sandbox_restarts_total` (labels
 * `plugin`, `reason`: exit, uncaught exception, out of memory, unresponsive, protocol, setup failed) once per
 * registry.
 *
 * @example
 * ```ts
 * const metrics = isolationMetrics(registry)
 * metrics.exits.inc({ plugin: 'audit', reason: 'out of memory' })
 * ```
 */
export function isolationMetrics(registry: Registry): IsolationMetrics {
  const counter = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Counter<'plugin' | 'reason'> | undefined) ??
    new Counter({ name, help, labelNames: ['plugin', 'reason'], registers: [registry] })
  return {
    exits: counter('switchyard_plugin_sandbox_exits_total', 'Ends of isolated plugins’ sandboxes, by reason'),
    restarts: counter(
      'switchyard_plugin_sandbox_restarts_total',
      'Restarts of isolated plugins’ sandboxes, by the reason of the end before',
    ),
  }
}
