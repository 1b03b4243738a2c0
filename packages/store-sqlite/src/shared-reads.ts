import type { Database, Statement } from 'better-sqlite3'

/**
 * Lets the reads of one turn of the event loop share one read transaction. In WAL mode every statement run
 * outside a transaction begins and ends a read transaction of its own, and each takes and drops a lock on the
 * `-shm` file (two `fcntl` calls, plus an `fstat`): far more than the indexed point read itself (the bus asks
 * the idempotency question once per delivery; `pnpm bench -- sqlite` spent about a tenth of its CPU there).
 * The first read opens a transaction; it ends before this connection writes (`end`, which the write paths
 * call) or at the end of the turn, whichever comes first. A read thus sees what was committed when the turn's
 * first read ran, or since this connection's last write: never older than the turn, never missing its own
 * writes. Ending it promptly also keeps it from holding back WAL checkpoints. `began`, if given, runs first in
 * each read transaction (what it reads fixes the snapshot).
 *
 * @example
 * ```ts
 * const reads = new SharedReads(db)
 * const found = reads.run(() => select.get(id))
 * reads.end() // before a write on this connection
 * ```
 */
export class SharedReads {
  readonly #db: Database
  readonly #begin: Statement
  readonly #commit: Statement
  readonly #began: (() => void) | undefined
  #open = false
  #endScheduled = false
  readonly #endOfTurn = (): void => {
    this.#endScheduled = false
    this.end()
  }

  constructor(db: Database, began?: () => void) {
    this.#db = db
    this.#begin = db.prepare('BEGIN')
    this.#commit = db.prepare('COMMIT')
    this.#began = began
  }

  /** Runs `read` inside the turn's read transaction, opening it if needed. */
  run<T>(read: () => T): T {
    this.enter()
    return read()
  }

  /**
   * Opens the turn's read transaction if needed: what `run` does before its read, for a hot read that should
   * not make a closure per call. The read must follow at once, in the same synchronous code.
   */
  enter(): void {
    if (!this.#open && !this.#db.inTransaction) {
      this.#begin.run()
      this.#open = true
      this.#began?.()
      if (!this.#endScheduled) {
        this.#endScheduled = true
        setImmediate(this.#endOfTurn)
      }
    }
  }

  /** Ends the read transaction, if one is open: call it before any write on the connection. */
  end(): void {
    if (!this.#open) return
    this.#open = false
    if (this.#db.inTransaction) this.#commit.run()
  }
}
