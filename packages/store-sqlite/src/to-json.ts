import { StoreValueError } from './errors.js'

/**
 * `JSON.stringify` that refuses what JSON cannot round-trip at the top level, so that a bad value fails its
 * own caller instead of the group-commit batch it would have joined.
 *
 * @example
 * ```ts
 * toJson({ a: 1 }, 'kv value') // '{"a":1}'
 * ```
 */
export function toJson(value: unknown, what: string): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (cause) {
    throw new StoreValueError(what, cause)
  }
  if (json === undefined) throw new StoreValueError(what)
  return json
}
