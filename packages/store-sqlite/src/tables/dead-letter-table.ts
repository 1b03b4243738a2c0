import type { DeadLetter, DeadLetterQuery, Event } from '@switchyard/core'
import type { Database, Statement } from 'better-sqlite3'

interface DeadLetterRow {
  id: string
  handler: string
  event: string
  attempts: number
  error: string
  failed_at: string
}

const COLUMNS = 'id, handler, event, attempts, error, failed_at'

/** SQLite's LIMIT -1: no limit. */
const UNLIMITED = -1

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    event: JSON.parse(row.event) as Event,
    handler: row.handler,
    attempts: row.attempts,
    error: row.error,
    failedAt: row.failed_at,
  }
}

/**
 * The dead-letter queue (table `dead_letters`), listed oldest first by id (UUID v7, so time-ordered).
 *
 * @example
 * ```ts
 * const table = new DeadLetterTable(db)
 * table.list({ handler: 'audit_log', limit: 50 })
 * ```
 */
export class DeadLetterTable {
  readonly #insert: Statement<[string, string, string, number, string, string, number]>
  readonly #list: Statement<[string, number], DeadLetterRow>
  readonly #listByHandler: Statement<[string, string, number], DeadLetterRow>
  readonly #get: Statement<[string], DeadLetterRow>
  readonly #delete: Statement<[string]>
  readonly #purge: Statement<[number]>

  constructor(db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO dead_letters (${COLUMNS}, failed_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET handler = excluded.handler, event = excluded.event,
         attempts = excluded.attempts, error = excluded.error, failed_at = excluded.failed_at,
         failed_ms = excluded.failed_ms`,
    )
    // Two statements rather than `handler IS NULL OR handler = ?`, which would keep SQLite off the index.
    this.#list = db.prepare(`SELECT ${COLUMNS} FROM dead_letters WHERE id > ? ORDER BY id LIMIT ?`)
    this.#listByHandler = db.prepare(
      `SELECT ${COLUMNS} FROM dead_letters WHERE handler = ? AND id > ? ORDER BY id LIMIT ?`,
    )
    this.#get = db.prepare(`SELECT ${COLUMNS} FROM dead_letters WHERE id = ?`)
    this.#delete = db.prepare('DELETE FROM dead_letters WHERE id = ?')
    this.#purge = db.prepare('DELETE FROM dead_letters WHERE failed_ms < ?')
  }

  add(deadLetter: DeadLetter): void {
    const { id, handler, event, attempts, error, failedAt } = deadLetter
    this.#insert.run(id, handler, JSON.stringify(event), attempts, error, failedAt, Date.parse(failedAt))
  }

  list(query: DeadLetterQuery = {}): DeadLetter[] {
    const after = query.after ?? ''
    const limit = query.limit ?? UNLIMITED
    const rows =
      query.handler === undefined
        ? this.#list.all(after, limit)
        : this.#listByHandler.all(query.handler, after, limit)
    return rows.map(toDeadLetter)
  }

  get(id: string): DeadLetter | undefined {
    const row = this.#get.get(id)
    return row && toDeadLetter(row)
  }

  delete(id: string): boolean {
    return this.#delete.run(id).changes > 0
  }

  purge(before: Date): number {
    return this.#purge.run(before.getTime()).changes
  }
}
