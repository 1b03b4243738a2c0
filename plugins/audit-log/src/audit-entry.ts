import type { DeliveryOutcome, DeliveryReport, Event } from '@switchyard/plugin-sdk'

/** One recorded event with the outcome of every handler it reached. */
export interface AuditEntry {
  /** Position in recording order; pass it as `cursor` to page on from here. */
  cursor: string
  eventId: string
  type: string
  source: string
  /** The event's own RFC 3339 time. */
  time: string
  /** When the audit log recorded it (RFC 3339), after every handler reached a final state. */
  recordedAt: string
  correlationId?: string
  idempotencyKey: string
  /** The payload, unless the plugin is configured with `include_data: false`. */
  data?: unknown
  outcomes: DeliveryOutcome[]
}

/**
 * Builds the entry for one dispatched event.
 *
 * @example
 * ```ts
 * const entry = toAuditEntry(event, report, { includeData: true, recordedAt: new Date() })
 * ```
 */
export function toAuditEntry(
  event: Event,
  report: DeliveryReport,
  options: { includeData: boolean; recordedAt: Date },
): AuditEntry {
  const recordedAt = options.recordedAt.toISOString()
  return {
    cursor: `${recordedAt}_${event.id}`,
    eventId: event.id,
    type: event.type,
    source: event.source,
    time: event.time,
    recordedAt,
    ...(event.metadata.correlationId === undefined ? {} : { correlationId: event.metadata.correlationId }),
    idempotencyKey: event.metadata.idempotencyKey,
    ...(options.includeData ? { data: event.data } : {}),
    outcomes: report.outcomes,
  }
}
