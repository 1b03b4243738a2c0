import { EventValidationError } from '../errors.js'
import type { Event } from '../event/event.js'

/** How far in the past a `deliverAt` may lie by default: the default retention of the ledger (7 days). */
export const DEFAULT_DELIVER_AT_MAX_PAST_MS = 7 * 24 * 60 * 60 * 1000

/** RFC 3339 date-time with a zone (`Z` or `±hh:mm`), fractional seconds optional. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/**
 * When an enqueued event is due: `deliverAt` (a `Date` or an RFC 3339 string) or `delayMs` from now.
 *
 * @example
 * ```ts
 * await bus.enqueue(event, { delayMs: 24 * 60 * 60 * 1000 })
 * ```
 */
export interface DeliverAtOptions {
  /** The moment to deliver at: a `Date` or an RFC 3339 date-time with a zone. */
  deliverAt?: Date | string
  /** Milliseconds from now to deliver after: an integer >= 0. */
  delayMs?: number
}

/**
 * Turns `deliverAt` / `delayMs` into the RFC 3339 due time (UTC), or undefined when neither is set. Throws
 * `EventValidationError` naming the field (prefixed with `where`, e.g. `body.`) when both are set, when
 * `deliverAt` is not an RFC 3339 date-time or lies more than `maxPastMs` in the past, or when `delayMs` is not
 * an integer >= 0.
 *
 * @example
 * ```ts
 * resolveDeliverAt({ delayMs: 1000 }, Date.now()) // '2026-12-07T02:00:01.000Z'
 * ```
 */
export function resolveDeliverAt(
  options: DeliverAtOptions,
  nowMs: number,
  maxPastMs = DEFAULT_DELIVER_AT_MAX_PAST_MS,
  where = '',
): string | undefined {
  const { deliverAt, delayMs } = options
  if (deliverAt !== undefined && delayMs !== undefined)
    throw new EventValidationError(`${where}deliverAt, ${where}delayMs: give one of them, not both`)
  if (delayMs !== undefined) {
    if (!Number.isSafeInteger(delayMs) || delayMs < 0)
      throw new EventValidationError(`${where}delayMs: expected an integer >= 0, got ${String(delayMs)}`)
    return new Date(nowMs + delayMs).toISOString()
  }
  if (deliverAt === undefined) return undefined
  const ms = deliverAtMs(deliverAt)
  if (Number.isNaN(ms))
    throw new EventValidationError(
      `${where}deliverAt: expected an RFC 3339 date-time with a zone such as "2026-12-24T18:00:00Z", got ${JSON.stringify(String(deliverAt))}`,
    )
  if (ms < nowMs - maxPastMs)
    throw new EventValidationError(
      `${where}deliverAt: ${new Date(ms).toISOString()} is more than ${Math.round(maxPastMs / 1000)} s in the past (beyond the ledger's retention)`,
    )
  return new Date(ms).toISOString()
}

/**
 * The due time of an event in ms since the epoch (`metadata.deliverAt`): undefined when it carries none, NaN when
 * it is not an RFC 3339 date-time.
 */
export function dueMsOf(event: Event): number | undefined {
  const { deliverAt } = event.metadata
  return deliverAt === undefined ? undefined : deliverAtMs(deliverAt as string)
}

function deliverAtMs(value: Date | string): number {
  if (value instanceof Date) return value.getTime()
  if (typeof value !== 'string' || !RFC3339.test(value)) return Number.NaN
  return Date.parse(value)
}
