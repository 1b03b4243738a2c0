import type { AuditQuery, AuditRecord } from '@switchyard/core'
import type { Database, Statement } from 'better-sqlite3'

/** SQLite's LIMIT -1: no limit. */
const UNLIMITED = -1

interface ListParams {
  after: string
  from: number
  to: number
  token: string | null
  action: string | null
  limit: number
}

/**
 * The audit trail of management requests (table `audit_records`): the whole record as JSON beside the columns it
 * is filtered by, listed oldest first by id (UUID v7, so time-ordered).
 *
 * @example
 * ```ts
 * const table = new AuditTable(db)
 * table.list({ token: 'ops', action: 'install', limit: 50 })
 * ```
 */
export class AuditTable {
  readonly #insert: Statement<[string, number, string | null, string, string]>
  readonly #list: Statement<[ListParams], { record: string }>
  readonly #purge: Statement<[number]>

  constructor(db: Database) {
    this.#insert = db.prepare(
      'INSERT OR REPLACE INTO audit_records (id, time_ms, token, action, record) VALUES (?, ?, ?, ?, ?)',
    )
    // One statement for every filter combination: audit queries are rare and small next to the event traffic.
    this.#list = db.prepare(
      `SELECT record FROM audit_records
       WHERE id > @after AND time_ms >= @from AND time_ms < @to
         AND (@token IS NULL OR token = @token)
         AND (@action IS NULL OR instr(lower(action), lower(@action)) > 0)
       ORDER BY id LIMIT @limit`,
    )
    this.#purge = db.prepare('DELETE FROM audit_records WHERE time_ms < ?')
  }

  add(record: AuditRecord): void {
    this.#insert.run(record.id, Date.parse(record.time), record.token, record.action, JSON.stringify(record))
  }

  list(query: AuditQuery = {}): AuditRecord[] {
    const from = query.from === undefined ? Number.MIN_SAFE_INTEGER : Date.parse(query.from)
    const to = query.to === undefined ? Number.MAX_SAFE_INTEGER : Date.parse(query.to)
    const params: ListParams = {
      after: query.after ?? '',
      from,
      to,
      token: query.token ?? null,
      action: query.action ?? null,
      limit: query.limit ?? UNLIMITED,
    }
    return this.#list.all(params).map((row) => JSON.parse(row.record) as AuditRecord)
  }

  purge(before: Date): number {
    return this.#purge.run(before.getTime()).changes
  }
}
