import { EventValidationError, JsonDepthLimitError } from '../errors.js'

/**
 * Deep-freezes a JSON value in place and returns it; throws an `EventValidationError` naming the path of the
 * first value that JSON cannot carry (functions, symbols, bigints, class instances, cycles, non-finite numbers),
 * or a `JsonDepthLimitError` when arrays and objects nest deeper than `maxDepth` (so the walk never recurses
 * further than that, however deep the input).
 *
 * @example
 * ```ts
 * const data = freezeJson({ items: [1, 2] }, 'event.data', 64)
 * Object.isFrozen(data.items) // true
 * ```
 */
export function freezeJson<T>(value: T, path: string, maxDepth: number): T {
  if (value === null || typeof value !== 'object') check(value, path)
  // Most values are valid, and this walk makes nothing; a refused one is walked again to say where and why.
  else if (!frozeValid(value, 1, maxDepth)) new JsonWalk(path, maxDepth).visit(value, 1)
  return value
}

/**
 * Freezes `object` and everything in it when all of it is JSON within `maxDepth`; false at the first value that
 * is not (having frozen what it walked before, as `JsonWalk` does), so that `JsonWalk` finds it again and names it.
 */
function frozeValid(object: object, depth: number, maxDepth: number): boolean {
  if (depth > maxDepth) return false
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) if (!validChild(object[i], depth, maxDepth)) return false
  } else {
    const proto = Object.getPrototypeOf(object)
    if (proto !== Object.prototype && proto !== null) return false
    for (const key in object) {
      const child = (object as Record<string, unknown>)[key]
      // JSON.stringify drops undefined properties, so they are allowed.
      if (child !== undefined && !validChild(child, depth, maxDepth)) return false
    }
  }
  Object.freeze(object)
  return true
}

function validChild(value: unknown, depth: number, maxDepth: number): boolean {
  if (value !== null && typeof value === 'object') return frozeValid(value, depth + 1, maxDepth)
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  )
}

/** The scalar check of `freezeJson` for a value that is not an array or object. */
function check(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return
  if (typeof value === 'number' && Number.isFinite(value)) return
  throw invalid(path, typeof value === 'number' ? String(value) : typeof value)
}

/**
 * The walk that names what `frozeValid` refused: the keys from the root to the current value are kept on a stack
 * and turned into a path when something is refused.
 */
class JsonWalk {
  readonly #root: string
  readonly #maxDepth: number
  readonly #keys: (string | number)[] = []
  readonly #objects: object[] = []

  constructor(root: string, maxDepth: number) {
    this.#root = root
    this.#maxDepth = maxDepth
  }

  visit(object: object, depth: number): void {
    if (depth > this.#maxDepth) throw this.#tooDeep(object, depth)
    const keys = this.#keys
    this.#objects.push(object)
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        keys.push(i)
        this.#child(object[i], depth)
        keys.pop()
      }
    } else {
      const proto = Object.getPrototypeOf(object)
      if (proto !== Object.prototype && proto !== null)
        throw invalid(this.#path(), proto?.constructor?.name ?? 'object')
      for (const key in object) {
        const child = (object as Record<string, unknown>)[key]
        // JSON.stringify drops undefined properties, so they are allowed.
        if (child === undefined) continue
        keys.push(key)
        this.#child(child, depth)
        keys.pop()
      }
    }
    this.#objects.pop()
    Object.freeze(object)
  }

  #child(value: unknown, depth: number): void {
    if (value !== null && typeof value === 'object') this.visit(value, depth + 1)
    else if (typeof value !== 'string' && typeof value !== 'boolean' && value !== null)
      check(value, this.#path())
  }

  /** A cycle also ends here (it is infinitely deep), and is named where it first closes. */
  #tooDeep(object: object, depth: number): Error {
    const objects = [...this.#objects, object]
    const closes = objects.findIndex((seen, at) => objects.indexOf(seen) < at)
    if (closes !== -1)
      return new EventValidationError(
        `${this.#path(closes)}: expected a JSON value, got a circular reference`,
      )
    return new JsonDepthLimitError(this.#path(), this.#maxDepth, depth)
  }

  /** The path of the value `length` keys below the root (default: the current value). */
  #path(length = this.#keys.length): string {
    let path = this.#root
    for (const key of this.#keys.slice(0, length)) path += typeof key === 'number' ? `[${key}]` : `.${key}`
    return path
  }
}

function invalid(path: string, got: string): EventValidationError {
  return new EventValidationError(
    `${path}: expected a JSON value (null, boolean, finite number, string, array or plain object), got ${got}`,
  )
}
