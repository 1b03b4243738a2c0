import * as v from 'valibot'

const SCHEMES: Record<CheckType, string[]> = {
  http: ['http:', 'https:'],
  tcp: ['tcp:'],
  nats: ['nats:'],
  postgres: ['postgres:', 'postgresql:'],
}

/** The kinds of dependency a check can probe. */
export type CheckType = 'http' | 'tcp' | 'nats' | 'postgres'

const checkSchema = v.pipe(
  v.object({
    name: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]*$/, 'a name of [a-z0-9_-]')),
    type: v.picklist(['http', 'tcp', 'nats', 'postgres']),
    url: v.pipe(v.string(), v.url('expected a URL such as tcp://127.0.0.1:6379')),
    interval_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100)), 30_000),
    timeout_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 2_000),
    critical: v.optional(v.boolean(), true),
    expect_status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
  }),
  v.forward(
    v.check(
      (check) => SCHEMES[check.type].includes(new URL(check.url).protocol),
      (issue) => `a URL starting with ${SCHEMES[issue.input.type].map((s) => `${s}//`).join(' or ')}`,
    ),
    ['url'],
  ),
  v.forward(
    v.check(
      (check) => check.type !== 'tcp' || new URL(check.url).port !== '',
      'a URL with a port, such as tcp://127.0.0.1:6379',
    ),
    ['url'],
  ),
)

/**
 * Config of the health-checks plugin: the dependencies to probe, each with its own interval and timeout.
 *
 * @example
 * ```ts
 * v.parse(healthChecksConfig, { checks: [{ name: 'nats', type: 'nats', url: 'nats://127.0.0.1:4222' }] })
 * ```
 */
export const healthChecksConfig = v.pipe(
  v.object({ checks: v.optional(v.array(checkSchema), []) }),
  v.forward(
    v.check(
      (config) => new Set(config.checks.map((c) => c.name)).size === config.checks.length,
      'checks with unique names',
    ),
    ['checks'],
  ),
)

export type HealthChecksConfig = v.InferOutput<typeof healthChecksConfig>
export type CheckConfig = HealthChecksConfig['checks'][number]
