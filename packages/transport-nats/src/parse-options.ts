import { ConfigError } from '@switchyard/core'
import * as v from 'valibot'

/**
 * Validates `input` against `schema`; on failure throws one `ConfigError` listing every problem as
 * `<what>.path.to.key: message`.
 */
export function parseOptions<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input)
  if (result.success) return result.output
  const problems = result.issues.map((issue) => {
    const path = v.getDotPath(issue)
    return `${path ? `${what}.${path}` : what}: ${issue.message}`
  })
  throw new ConfigError(problems.join('; '))
}

/** A positive whole number of milliseconds (or a count). */
export const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))

/** A JetStream stream, bucket or durable name: no spaces, dots, wildcards or path separators. */
export const natsName = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "_" or "-" (e.g. "SWITCHYARD")'),
)
