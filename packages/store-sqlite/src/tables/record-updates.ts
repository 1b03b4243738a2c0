import { type DeliveryRecord, isFinalStatus } from '@switchyard/core'
import type { Database, Statement } from 'better-sqlite3'

type UpdateValues = [number, number, string | null, string, string, string]

/** A status that may be written into a statement as a literal (the bus's statuses are all of this form). */
const PLAIN_STATUS = /^[a-z_]+$/

/**
 * The ledger update of one record, for a row that `acceptAll` wrote, with a statement per status: the status and
 * the guards it decides (a final row is replaced only by a final record, a `succeeded` one never by
 * `skipped_duplicate`) are written into the statement, so a record binds 6 values, 3 of them strings, instead of
 * 10 and 5 (binding a string costs about as much as finding its row). Statements are prepared per status when
 * first needed.
 *
 * @example
 * ```ts
 * const updates = new RecordUpdates(db)
 * const changed = updates.update(record) // 0: no row, or a row the record must not replace
 * ```
 */
export class RecordUpdates {
  readonly #db: Database
  readonly #byStatus = new Map<string, Statement<UpdateValues>>()

  constructor(db: Database) {
    this.#db = db
  }

  /** Updates the record's row; returns how many rows changed, or undefined when its status cannot be a literal. */
  update(r: DeliveryRecord): number | undefined {
    const statement = this.#statement(r.status)
    if (statement === undefined) return undefined
    const error = r.error === undefined ? null : JSON.stringify(r.error)
    return statement.run(r.attempts, r.durationMs, error, r.updatedAt, r.eventId, r.handler).changes
  }

  #statement(status: string): Statement<UpdateValues> | undefined {
    let statement = this.#byStatus.get(status)
    if (statement === undefined) {
      if (!PLAIN_STATUS.test(status)) return undefined
      const final = isFinalStatus(status as DeliveryRecord['status'])
      const guards =
        (final ? '' : ' AND final = 0') + (status === 'skipped_duplicate' ? " AND status <> 'succeeded'" : '')
      statement = this.#db.prepare<UpdateValues>(
        `UPDATE deliveries SET status = '${status}', final = ${final ? 1 : 0}, attempts = ?, duration_ms = ?,
           error = ?, updated_at = ?, interrupted = 0
         WHERE event_id = ? AND handler = ?${guards}`,
      )
      this.#byStatus.set(status, statement)
    }
    return statement
  }
}
