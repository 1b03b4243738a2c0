import { type DeliveryReport, definePlugin, type Event, matchesPattern } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import { toAuditEntry } from './audit-entry.js'
import { auditQuery } from './audit-query.js'
import { AuditStore } from './audit-store.js'
import { auditLogConfig } from './config.js'

/**
 * The audit-log plugin: records every dispatched event (or those matching `patterns`) with the outcome of each
 * handler, serves them at `GET /plugins/audit-log/events`, and forgets them by age and count.
 *
 * @example
 * ```yaml
 * plugins:
 *   audit-log: { enabled: true, config: { patterns: ['order.**'], retention: { max_entries: 5000 } } }
 * ```
 */
export const auditLogPlugin = definePlugin({
  name: 'audit-log',
  version: '0.1.0',
  description: 'Records every event with its delivery outcomes; query with cursor pagination',
  permissions: ['http:routes', 'store:kv'],
  config: auditLogConfig,
  setup(ctx) {
    const { patterns, include_data: includeData, retention } = ctx.config
    const audit = new AuditStore(ctx.store, {
      maxAgeMs: retention.max_age_ms,
      maxEntries: retention.max_entries,
    })
    const recorded = ctx.metrics.counter('audit_entries_recorded_total', 'Events recorded by the audit log')
    // Between sweeps the log may grow past max_entries by at most a tenth before a sweep runs early.
    const sweepEvery = Math.max(1, Math.ceil(retention.max_entries / 10))
    let sinceSweep = 0

    const afterWrite = (): Promise<number> | undefined => {
      recorded.inc()
      if (++sinceSweep < sweepEvery) return undefined
      sinceSweep = 0
      return audit.trim()
    }
    // Not an async function: one `then` per event instead of an async function's promises and one per await
    // (each runs Node's promise hooks while an AsyncLocalStorage is in use, as the host's plugin scopes are).
    ctx.extend('event.after_dispatch', ({ event, report }: { event: Event; report: DeliveryReport }) => {
      if (!patterns.some((pattern) => matchesPattern(pattern, event.type))) return undefined
      return audit.add(toAuditEntry(event, report, { includeData, recordedAt: new Date() })).then(afterWrite)
    })

    ctx.routes.get('/events', async (c) => {
      const query = v.safeParse(auditQuery, c.req.query())
      if (!query.success) {
        const message = query.issues.map((issue) => `${v.getDotPath(issue)}: ${issue.message}`).join('; ')
        return c.json({ error: { code: 'E_VALIDATION', message } }, 400)
      }
      return c.json(await audit.query(query.output))
    })

    const timer = setInterval(() => {
      audit.prune().catch((error: unknown) => ctx.logger.warn({ err: error }, 'audit log sweep failed'))
    }, retention.sweep_interval_ms)
    timer.unref()
    ctx.onStop(() => clearInterval(timer))
  },
})
