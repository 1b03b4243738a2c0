import * as v from 'valibot'

const DAY_MS = 24 * 60 * 60 * 1000
const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))

/**
 * Config of the audit-log plugin: which events to record, whether to keep their payloads, and how long.
 *
 * @example
 * ```ts
 * v.parse(auditLogConfig, { patterns: ['order.**'], retention: { max_entries: 1000 } })
 * ```
 */
export const auditLogConfig = v.object({
  patterns: v.optional(v.pipe(v.array(v.string()), v.minLength(1, 'at least one pattern')), ['**']),
  include_data: v.optional(v.boolean(), true),
  retention: v.optional(
    v.object({
      max_age_ms: v.optional(positiveInt, 7 * DAY_MS),
      max_entries: v.optional(positiveInt, 10_000),
      sweep_interval_ms: v.optional(positiveInt, 60_000),
    }),
    {},
  ),
})

export type AuditLogConfig = v.InferOutput<typeof auditLogConfig>
