import type { AttemptFields } from '../errors.js'

/**
 * Why a delivery failed (or ended without running), as `DeliveryOutcome.error` and `DeliveryRecord.error` carry
 * it: a `HandlerExecutionError` (or another coded error of the delivery) serialised to plain JSON, so that it
 * goes unchanged into the ledger, over HTTP and across a sandbox boundary. `attempt` is 0 when no attempt ran
 * (unrouted, a duplicate, a failing filter or store). `cause` is what the handler threw, when it threw.
 *
 * @example
 * ```ts
 * const error: DeliveryError = {
 *   code: 'E_HANDLER',
 *   message: 'handler audit_log failed on event 0192… (attempt 3): smtp down',
 *   handler: 'audit_log', eventId: '0192…', attempt: 3,
 *   cause: { name: 'Error', message: 'smtp down' },
 * }
 * ```
 */
export interface DeliveryError {
  code: string
  message: string
  handler: string
  eventId: string
  attempt: number
  cause?: { name: string; message: string }
}

/**
 * Serialises the error of one delivery: its `code` (`E_HANDLER` for an error without one), message, the
 * attempt's fields, and the name and message of its `cause` when it has one.
 *
 * @example
 * ```ts
 * toDeliveryError(new HandlerExecutionError(ctx, new TypeError('x is undefined')), ctx)
 * // { code: 'E_HANDLER', ..., cause: { name: 'TypeError', message: 'x is undefined' } }
 * ```
 */
export function toDeliveryError(error: Error, fields: AttemptFields): DeliveryError {
  const code = (error as { code?: unknown }).code
  const serialised: DeliveryError = {
    code: typeof code === 'string' ? code : 'E_HANDLER',
    message: error.message,
    handler: fields.handler,
    eventId: fields.eventId,
    attempt: fields.attempt,
  }
  if (error.cause !== undefined) serialised.cause = causeOf(error.cause)
  return serialised
}

/** Codes of the deliveries that ended without a serialised error, by status (rows written before it existed). */
const LEGACY_CODES: Readonly<Record<string, string>> = {
  timed_out: 'E_TIMEOUT',
  unrouted: 'E_UNROUTED',
  skipped_duplicate: 'E_DUPLICATE',
}

/**
 * A persisted delivery error read back: a `DeliveryError` as it is, or the plain message that stores kept before
 * errors were serialised, turned into one (its code guessed from the row's status, `E_HANDLER` by default).
 *
 * @example
 * ```ts
 * readDeliveryError('smtp down', { handler: 'audit_log', eventId, attempts: 3, status: 'failed' }).code // 'E_HANDLER'
 * ```
 */
export function readDeliveryError(
  stored: unknown,
  row: { handler: string; eventId: string; attempts: number; status: string },
): DeliveryError {
  if (typeof stored === 'object' && stored !== null && typeof (stored as DeliveryError).code === 'string')
    return stored as DeliveryError
  return {
    code: LEGACY_CODES[row.status] ?? 'E_HANDLER',
    message: String(stored),
    handler: row.handler,
    eventId: row.eventId,
    attempt: row.attempts,
  }
}

function causeOf(cause: unknown): { name: string; message: string } {
  if (cause instanceof Error) return { name: cause.name, message: cause.message }
  return { name: typeof cause, message: String(cause) }
}
