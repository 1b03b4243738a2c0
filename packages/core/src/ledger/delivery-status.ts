import type { DeliveryStatus, PendingDeliveryStatus } from '../delivery/delivery.js'

const FINAL: ReadonlySet<string> = new Set<DeliveryStatus>([
  'succeeded',
  'failed',
  'timed_out',
  'skipped_duplicate',
  'dead_lettered',
  'unrouted',
  'rate_limited',
  'debounced',
])

/**
 * Whether a ledger status is final (the handler is done with the event) rather than `pending` or `retrying`.
 *
 * @example
 * ```ts
 * isFinalStatus('dead_lettered') // true
 * isFinalStatus('retrying') // false
 * ```
 */
export function isFinalStatus(status: DeliveryStatus | PendingDeliveryStatus): status is DeliveryStatus {
  return FINAL.has(status)
}
