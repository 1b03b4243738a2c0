import type { Database, Statement } from 'better-sqlite3'

/** Rows per statement: past a few dozen the per-statement saving is spent; 64 x 4 values stay far below SQLite's limit. */
const MAX_ROWS = 64

/**
 * One `INSERT … VALUES (…), (…), …` for many rows instead of one statement run per row: binding and running a
 * statement costs about as much as inserting its row, so a group commit's rows go in chunks of up to 64, each
 * chunk size's statement prepared once, when first needed. Conflict clauses apply row by row, in order, as they
 * would to separate statements.
 *
 * @example
 * ```ts
 * const insert = new MultiRowInsert(db, 'INSERT INTO t (a, b) VALUES', '(?, ?)', 'ON CONFLICT DO NOTHING', 2)
 * insert.run([1, 'x', 2, 'y']) // two rows, one statement
 * ```
 */
export class MultiRowInsert {
  readonly #db: Database
  readonly #head: string
  readonly #row: string
  readonly #tail: string
  readonly #columns: number
  readonly #bySize = new Map<number, Statement<unknown[]>>()

  constructor(db: Database, head: string, row: string, tail: string, columns: number) {
    this.#db = db
    this.#head = head
    this.#row = row
    this.#tail = tail
    this.#columns = columns
  }

  /**
   * Inserts the rows whose values follow each other in `values` (`columns` values per row); returns how many rows
   * the statements changed (a row its conflict clause left alone counts none).
   */
  run(values: readonly unknown[]): number {
    const chunk = MAX_ROWS * this.#columns
    let changes = 0
    for (let start = 0; start < values.length; start += chunk) {
      const part = values.length <= chunk ? values : values.slice(start, start + chunk)
      changes += this.#statement(part.length / this.#columns).run(part).changes
    }
    return changes
  }

  #statement(rows: number): Statement<unknown[]> {
    let statement = this.#bySize.get(rows)
    if (statement === undefined) {
      const sql = `${this.#head} ${Array(rows).fill(this.#row).join(', ')} ${this.#tail}`
      statement = this.#db.prepare<unknown[]>(sql)
      this.#bySize.set(rows, statement)
    }
    return statement
  }
}
