import type { AttemptTrace } from './attempt-trace.js'
import type { DeliveryOutcome } from './delivery.js'
import type { DeliveryError } from './delivery-error.js'

/** A failed attempt with attempts left: try again after `retryAfterMs`. */
export interface Retry {
  retryAfterMs: number
  /** Attempts made so far. */
  attempts: number
  /** The failed attempt's error. */
  error: DeliveryError
  /** The failed attempt's trace (see `DeliveryOutcome.trace`). */
  trace?: AttemptTrace
}

/**
 * What one attempt decides: the delivery's outcome (success, or failure with no attempt left), or a retry.
 *
 * @example
 * ```ts
 * const result: AttemptResult = { retryAfterMs: 100, attempts: 1, error: toDeliveryError(new Error('boom'), ctx) }
 * if ('retryAfterMs' in result) await message.nak(result.retryAfterMs)
 * ```
 */
export type AttemptResult = DeliveryOutcome | Retry
