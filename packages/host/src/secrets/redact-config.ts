import { isSecretSchema } from '@switchyard/plugin-sdk'

/** What stands in for a secret value wherever the host shows a config or logs. */
export const REDACTED = '[redacted]'

// valibot schemas are plain objects: these are the fields that lead to the schemas of their parts.
interface SchemaShape {
  wrapped?: unknown
  options?: unknown[]
  entries?: Record<string, unknown>
  rest?: unknown
  item?: unknown
  items?: unknown[]
  key?: unknown
  value?: unknown
}

/**
 * A copy of a plugin's config with every value its schema marks `secret()` replaced by `[redacted]`, through
 * objects, arrays, records, optional and union schemas. Keys the schema does not know are copied as they are.
 *
 * @example
 * ```ts
 * redactConfig(v.object({ token: secret(), region: v.string() }), { token: 't0k3n', region: 'eu' })
 * // { token: '[redacted]', region: 'eu' }
 * ```
 */
export function redactConfig(schema: unknown, value: unknown): unknown {
  return redact([schema], value)
}

/**
 * The string values at the places `schema` marks secret, for scrubbing them out of log lines.
 *
 * @example
 * ```ts
 * secretStrings(v.object({ token: secret() }), { token: 't0k3n' }) // ['t0k3n']
 * ```
 */
export function secretStrings(schema: unknown, value: unknown): string[] {
  const found: string[] = []
  walk([schema], value, (text) => found.push(text))
  return found
}

/**
 * Whether the value at `keys` inside a config is one `schema` marks secret (or lies within one).
 *
 * @example
 * ```ts
 * isSecretPath(v.object({ smtp: v.object({ pass: secret() }) }), ['smtp', 'pass']) // true
 * ```
 */
export function isSecretPath(schema: unknown, keys: readonly PropertyKey[]): boolean {
  let schemas = [schema]
  for (const key of keys) {
    if (schemas.some(isSecret)) return true
    schemas = schemas.flatMap((candidate) => childSchemas(candidate, key))
  }
  return schemas.some(isSecret)
}

function redact(schemas: unknown[], value: unknown): unknown {
  if (value === undefined || value === null) return value
  if (schemas.some(isSecret)) return REDACTED
  if (Array.isArray(value)) return value.map((item, index) => redact(children(schemas, index), item))
  if (typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, redact(children(schemas, key), item)]),
  )
}

function walk(schemas: unknown[], value: unknown, found: (text: string) => void): void {
  if (value === undefined || value === null || schemas.length === 0) return
  if (schemas.some(isSecret)) {
    if (typeof value === 'string' && value !== '') found(value)
    return
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walk(children(schemas, index), item, found)
  } else if (typeof value === 'object')
    for (const [key, item] of Object.entries(value)) walk(children(schemas, key), item, found)
}

function children(schemas: unknown[], key: PropertyKey): unknown[] {
  return schemas.flatMap((schema) => childSchemas(schema, key))
}

function isSecret(schema: unknown): boolean {
  if (isSecretSchema(schema)) return true
  const shape = schema as SchemaShape | undefined
  return (
    (shape?.wrapped !== undefined && isSecret(shape.wrapped)) ||
    (Array.isArray(shape?.options) && shape.options.some(isSecret))
  )
}

function childSchemas(schema: unknown, key: PropertyKey): unknown[] {
  const shape = schema as SchemaShape | undefined
  if (shape === undefined || typeof shape !== 'object') return []
  if (shape.wrapped !== undefined) return childSchemas(shape.wrapped, key)
  if (Array.isArray(shape.options)) return shape.options.flatMap((option) => childSchemas(option, key))
  if (shape.entries !== undefined)
    return typeof key === 'string' && key in shape.entries
      ? [shape.entries[key]]
      : shape.rest === undefined
        ? []
        : [shape.rest]
  if (shape.item !== undefined) return [shape.item]
  if (Array.isArray(shape.items)) return typeof key === 'number' ? [shape.items[key]] : []
  if (shape.key !== undefined && shape.value !== undefined) return [shape.value]
  return []
}
