import type { Database, Statement } from 'better-sqlite3'

/** Rows per statement: past a few dozen the per-statement saving is spent; 64 x 4 values stay far below SQLite's limit. */
const MAX_ROWS = 64

/** Values every row of a run shares, by parameter name (`@name` in the row template). */
export type SharedValues = Readonly<Record<string, unknown>>

/**
 * One `INSERT … VALUES (…), (…), …` for many rows instead of one statement run per row: binding and running a
 * statement costs about as much as inserting its row, so a group commit's rows go in chunks of up to 64, each
 * chunk size's statement prepared once, when first needed. Conflict clauses apply row by row, in order, as they
 * would to separate statements.
 *
 * A value all rows share (a timestamp, a handler) is a named parameter of the row template, bound once per
 * statement instead of once per row: binding a string costs about a thousand instructions (two copies), more than
 * the row's share of the statement. The template may also be a row of a `VALUES` list that a `SELECT` in `head`
 * reads as `column1`, `column2`…, so that one value can fill several columns.
 *
 * @example
 * ```ts
 * const insert = new MultiRowInsert(db, 'INSERT INTO t (a, b, at) VALUES', '(?, ?, @at)', 'ON CONFLICT DO NOTHING', 2)
 * insert.run([1, 'x', 2, 'y'], { at: Date.now() }) // two rows, one statement
 * ```
 */
export class MultiRowInsert {
  readonly #db: Database
  readonly #head: string
  readonly #row: string
  readonly #tail: string
  readonly #columns: number
  readonly #bySize = new Map<number, Statement<unknown[]>>()

  /** `columns`: the anonymous (`?`) parameters of `row`, the values each row brings. */
  constructor(db: Database, head: string, row: string, tail: string, columns: number) {
    this.#db = db
    this.#head = head
    this.#row = row
    this.#tail = tail
    this.#columns = columns
  }

  /**
   * Inserts the rows whose values follow each other in `values` (`columns` values per row), with `shared` for the
   * template's named parameters; returns how many rows the statements changed (a row its conflict clause left
   * alone counts none).
   */
  run(values: readonly unknown[], shared?: SharedValues): number {
    const chunk = MAX_ROWS * this.#columns
    let changes = 0
    for (let start = 0; start < values.length; start += chunk) {
      const part = values.length <= chunk ? values : values.slice(start, start + chunk)
      const statement = this.#statement(part.length / this.#columns)
      changes += (shared === undefined ? statement.run(part) : statement.run(part, shared)).changes
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
