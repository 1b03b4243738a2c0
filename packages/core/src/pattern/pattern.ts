import { InvalidPatternError } from '../errors.js'

const SEGMENT = /^[a-z0-9_-]+$/

/** A pattern checked and split once, with a fast `test`. */
export interface CompiledPattern {
  readonly pattern: string
  /** The pattern's segments; `*` and `**` kept as such. */
  readonly segments: readonly string[]
  /** Whether `type` matches. */
  test(type: string): boolean
}

/**
 * Checks a subscription pattern and compiles it once: segments of `[a-z0-9_-]+`, `*` for exactly one segment,
 * `**` (last only) for one or more trailing segments; `**` alone matches every type.
 * Throws `InvalidPatternError` otherwise.
 *
 * @example
 * ```ts
 * const p = compilePattern('order.*')
 * p.test('order.created') // true
 * p.test('order.item.added') // false
 * ```
 */
export function compilePattern(pattern: string): CompiledPattern {
  if (typeof pattern !== 'string' || pattern === '')
    throw new InvalidPatternError(String(pattern), 'must not be empty')
  const segments = pattern.split('.')
  segments.forEach((segment, i) => {
    if (segment === '**' && i !== segments.length - 1) {
      throw new InvalidPatternError(pattern, '"**" is allowed only as the last segment')
    }
    if (segment !== '*' && segment !== '**' && !SEGMENT.test(segment)) {
      throw new InvalidPatternError(pattern, `segment "${segment}" must be "*", "**" or match [a-z0-9_-]+`)
    }
  })
  return { pattern, segments, test: toTest(pattern, segments) }
}

function toTest(pattern: string, segments: readonly string[]): (type: string) => boolean {
  if (!pattern.includes('*')) return (type) => type === pattern
  const body = segments
    .map((segment) => (segment === '*' ? '[^.]+' : segment === '**' ? '[^.]+(?:\\.[^.]+)*' : segment))
    .join('\\.')
  const regex = new RegExp(`^${body}$`)
  return (type) => regex.test(type)
}

const cache = new Map<string, CompiledPattern>()
const CACHE_LIMIT = 1000

/**
 * Whether `type` matches `pattern`, compiling each distinct pattern once (a small cache).
 *
 * @example
 * ```ts
 * matchesPattern('order.**', 'order.item.added') // true
 * matchesPattern('order.**', 'order') // false
 * ```
 */
export function matchesPattern(pattern: string, type: string): boolean {
  let compiled = cache.get(pattern)
  if (compiled === undefined) {
    compiled = compilePattern(pattern)
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(pattern, compiled)
  }
  return compiled.test(type)
}

/**
 * The NATS subject of a pattern under `prefix`: `*` stays `*`, `**` becomes `>`.
 *
 * @example
 * ```ts
 * patternToSubject('order.**', 'switchyard.events') // 'switchyard.events.order.>'
 * ```
 */
export function patternToSubject(pattern: string, prefix: string): string {
  const { segments } = compilePattern(pattern)
  const subject = segments.map((segment) => (segment === '**' ? '>' : segment)).join('.')
  return prefix === '' ? subject : `${prefix}.${subject}`
}
