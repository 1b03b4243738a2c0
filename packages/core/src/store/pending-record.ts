import type { DeliveryRecord } from './store.js'

/**
 * The ledger record a Store writes for a handler when it accepts an event: `pending`, no attempt yet.
 * Pass one `updatedAt` for all the handlers of one acceptance.
 *
 * @example
 * ```ts
 * const updatedAt = new Date().toISOString()
 * const records = handlers.map((handler) => pendingRecord(event.id, handler, updatedAt))
 * ```
 */
export function pendingRecord(eventId: string, handler: string, updatedAt: string): DeliveryRecord {
  return { eventId, handler, status: 'pending', attempts: 0, durationMs: 0, updatedAt }
}
