import { EventValidationError } from '../errors.js'

/**
 * Deep-freezes a JSON value in place and returns it; throws an `EventValidationError` naming the path of the
 * first value that JSON cannot carry (functions, symbols, bigints, class instances, cycles, non-finite numbers).
 *
 * @example
 * ```ts
 * const data = freezeJson({ items: [1, 2] }, 'event.data')
 * Object.isFrozen(data.items) // true
 * ```
 */
export function freezeJson<T>(value: T, path: string): T {
  visit(value, path, new Set())
  return value
}

function visit(value: unknown, path: string, ancestors: Set<object>): void {
  if (value === null) return
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return
    case 'number':
      if (Number.isFinite(value)) return
      throw invalid(path, String(value))
    case 'object':
      break
    default:
      throw invalid(path, typeof value)
  }
  const object = value as object
  if (ancestors.has(object))
    throw new EventValidationError(`${path}: expected a JSON value, got a circular reference`)
  if (Array.isArray(object)) {
    ancestors.add(object)
    for (let i = 0; i < object.length; i++) visit(object[i], `${path}[${i}]`, ancestors)
  } else {
    const proto = Object.getPrototypeOf(object)
    if (proto !== Object.prototype && proto !== null)
      throw invalid(path, proto?.constructor?.name ?? 'object')
    ancestors.add(object)
    for (const key in object) {
      const child = (object as Record<string, unknown>)[key]
      // JSON.stringify drops undefined properties, so they are allowed.
      if (child !== undefined) visit(child, `${path}.${key}`, ancestors)
    }
  }
  ancestors.delete(object)
  Object.freeze(object)
}

function invalid(path: string, got: string): EventValidationError {
  return new EventValidationError(
    `${path}: expected a JSON value (null, boolean, finite number, string, array or plain object), got ${got}`,
  )
}
