import { ConfigError } from '../errors.js'

/**
 * Bounds on what one event may carry (config `limits:`). The bus and `createEvent` refuse an event past one of
 * them with a `LimitError` naming the limit and the size of the value.
 *
 * @example
 * ```ts
 * const limits: EventLimits = { jsonDepth: 32, eventTypeLength: 128, metadataStringLength: 256 }
 * ```
 */
export interface EventLimits {
  /** Most arrays and objects nested in `data` or `metadata` (`{}` is 1 deep, `{ "a": [] }` 2). Default 64. */
  jsonDepth: number
  /** Most characters of an event type. Default 255. */
  eventTypeLength: number
  /** Most characters of a metadata string (idempotencyKey...), of the id and of the source. Default 1,024. */
  metadataStringLength: number
}

/**
 * The limits used when none are given.
 *
 * @example
 * ```ts
 * defaultEventLimits.jsonDepth // 64
 * ```
 */
export const defaultEventLimits: Readonly<EventLimits> = Object.freeze({
  jsonDepth: 64,
  eventTypeLength: 255,
  metadataStringLength: 1024,
})

/**
 * Limits this module resolved (the defaults included): passed again, as `createEvent(type, data, { limits:
 * bus.limits })` does for every ingested event, they are returned as they are instead of checked once more.
 */
const resolved = new WeakSet<object>([defaultEventLimits])

/** Deeper than this the checks themselves would recurse too far; no event needs it. */
const MAX_JSON_DEPTH = 1000

/**
 * Fills unset limits with the defaults and checks the rest: each a positive integer (`jsonDepth` at most
 * 1,000). Throws `ConfigError` naming the bad member under `label`.
 *
 * @example
 * ```ts
 * resolveEventLimits({ jsonDepth: 16 }).eventTypeLength // 255
 * ```
 */
export function resolveEventLimits(
  overrides: Partial<EventLimits> | undefined,
  label = 'limits',
): Readonly<EventLimits> {
  if (overrides === undefined) return defaultEventLimits
  if (resolved.has(overrides)) return overrides as Readonly<EventLimits>
  const limits = { ...defaultEventLimits }
  for (const key of Object.keys(defaultEventLimits) as (keyof EventLimits)[]) {
    const value = overrides[key]
    if (value === undefined) continue
    const max = key === 'jsonDepth' ? MAX_JSON_DEPTH : Number.MAX_SAFE_INTEGER
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new ConfigError(`${label}.${key}: expected an integer from 1 to ${max}, got ${String(value)}`)
    limits[key] = value
  }
  const frozen = Object.freeze(limits)
  resolved.add(frozen)
  return frozen
}
