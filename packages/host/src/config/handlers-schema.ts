import type { FlowOptions } from '@switchyard/core'
import * as v from 'valibot'

const HANDLER_NAME = /^[a-z][a-z0-9_]*$/

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1, 'a positive integer'))
const keyPath = v.pipe(
  v.string(),
  v.check(
    (path) => path !== '' && path.split('.').every((segment) => segment !== ''),
    'a dot path into the event such as data.customer_id',
  ),
)
const windowSchema = v.strictObject({ limit: positiveInt, period_ms: positiveInt, key: v.optional(keyPath) })
/** Every option may be `null`: off for this handler, whatever its subscription sets. */
const off = <T extends v.GenericSchema>(schema: T) => v.optional(v.nullable(schema))

const debounceSchema = v.pipe(
  v.strictObject({ period_ms: positiveInt, key: v.optional(keyPath), max_wait_ms: v.optional(positiveInt) }),
  v.check(
    (d) => d.max_wait_ms === undefined || d.max_wait_ms >= d.period_ms,
    'max_wait_ms at least period_ms',
  ),
)

const handlerSchema = v.pipe(
  v.strictObject({
    throttle: off(windowSchema),
    rate_limit: off(windowSchema),
    debounce: off(debounceSchema),
    batch: off(v.strictObject({ max_size: positiveInt, max_wait_ms: positiveInt, key: v.optional(keyPath) })),
    concurrency: off(v.union([positiveInt, v.strictObject({ limit: positiveInt, key: keyPath })])),
    priority: off(
      v.strictObject({ key: keyPath, values: v.record(v.string(), v.pipe(v.number(), v.finite())) }),
    ),
  }),
  v.check(
    (h) => h.batch == null || h.debounce == null,
    'one of batch and debounce (a handler that debounces cannot batch)',
  ),
)

/**
 * The `handlers:` section: per handler name, flow options (snake_case) that replace, option by option, what its
 * subscription sets (`null` turns one off).
 *
 * @example
 * ```ts
 * v.parse(handlersSchema, { charge_card: { throttle: { limit: 100, period_ms: 60000 } } })
 * ```
 */
export const handlersSchema = v.record(
  v.pipe(v.string(), v.regex(HANDLER_NAME, 'a snake_case handler name')),
  handlerSchema,
)

/** The parsed `handlers:` section. */
export type HandlersConfig = v.InferOutput<typeof handlersSchema>

/**
 * The `handlers:` section as the bus takes it (`EventBusOptions.flowOverrides`): camelCase flow options.
 *
 * @example
 * ```ts
 * flowOverrides({ sms: { rate_limit: { limit: 5, period_ms: 1000 } } }) // { sms: { rateLimit: { limit: 5, periodMs: 1000 } } }
 * ```
 */
export function flowOverrides(handlers: HandlersConfig): Record<string, FlowOptions> {
  const result: Record<string, FlowOptions> = {}
  for (const [name, h] of Object.entries(handlers)) {
    const options: FlowOptions = {}
    if (h.throttle !== undefined) options.throttle = h.throttle && windowOptions(h.throttle)
    if (h.rate_limit !== undefined) options.rateLimit = h.rate_limit && windowOptions(h.rate_limit)
    if (h.debounce !== undefined)
      options.debounce = h.debounce && {
        periodMs: h.debounce.period_ms,
        ...withKey(h.debounce.key),
        ...(h.debounce.max_wait_ms === undefined ? {} : { maxWaitMs: h.debounce.max_wait_ms }),
      }
    if (h.batch !== undefined)
      options.batch = h.batch && {
        maxSize: h.batch.max_size,
        maxWaitMs: h.batch.max_wait_ms,
        ...withKey(h.batch.key),
      }
    if (h.concurrency !== undefined) options.concurrency = h.concurrency
    if (h.priority !== undefined) options.priority = h.priority
    result[name] = options
  }
  return result
}

function windowOptions(w: v.InferOutput<typeof windowSchema>): {
  limit: number
  periodMs: number
  key?: string
} {
  return { limit: w.limit, periodMs: w.period_ms, ...withKey(w.key) }
}

function withKey(key: string | undefined): { key?: string } {
  return key === undefined ? {} : { key }
}
