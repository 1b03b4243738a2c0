import { definePlugin, type HealthResult } from '@switchyard/plugin-sdk'
import { CheckScheduler } from './check-scheduler.js'
import { healthChecksConfig } from './config.js'

/**
 * The health-checks plugin: probes the configured dependencies (HTTP URLs, TCP ports, NATS, PostgreSQL) on
 * their own intervals and reports them through `health.check` (so `/readyz` sees them) and at
 * `GET /plugins/health-checks/health`.
 *
 * @example
 * ```yaml
 * plugins:
 *   health-checks:
 *     enabled: true
 *     config:
 *       checks:
 *         - { name: nats, type: nats, url: nats://127.0.0.1:4222, interval_ms: 10000, timeout_ms: 2000 }
 * ```
 */
export const healthChecksPlugin = definePlugin({
  name: 'health-checks',
  version: '0.1.0',
  description: 'Periodic HTTP, TCP, NATS and PostgreSQL checks of the dependencies a service needs',
  permissions: ['http:routes'],
  config: healthChecksConfig,
  async setup(ctx) {
    const scheduler = new CheckScheduler(ctx.config.checks)
    ctx.onStop(() => scheduler.stop())
    await scheduler.start()
    const up = ctx.metrics.gauge('health_check_up', '1 when the last probe of a check passed, else 0', {
      labelNames: ['check'],
    })

    const report = (): HealthResult => {
      const summary = scheduler.summary()
      for (const check of summary.checks) up.set({ check: check.name }, check.status === 'ok' ? 1 : 0)
      const failing = summary.checks.filter((check) => check.status !== 'ok').map((check) => check.name)
      return {
        status: summary.status,
        ...(failing.length > 0 ? { message: `failing: ${failing.join(', ')}` } : {}),
        details: { checks: summary.checks },
      }
    }
    // health.check feeds the host's aggregate (/readyz); ctx.health is this plugin's own /plugins/<name>/health.
    ctx.extend('health.check', report)
    ctx.health(report)

    ctx.routes.get('/health', (c) => {
      const summary = scheduler.summary()
      return c.json(summary, summary.status === 'error' ? 503 : 200)
    })
  },
})
