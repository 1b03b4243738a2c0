import type { Database, Statement } from 'better-sqlite3'

/**
 * How many events are beyond retention's count limit (`maxEvents`). A count walks an index of every event (at
 * 100,000 events some 1,500 pages), and a timer's run used to pay it for every batch of deletes; now a run
 * counts once and takes off what it deleted since. Events accepted meanwhile only make the true number larger,
 * so a run never deletes more than a count would let it (late, never early), and the next run counts them. A
 * commit by another connection to the file (which may have deleted events) makes the next call count again.
 *
 * @example
 * ```ts
 * const beyond = new EventsBeyondLimit(db, 100_000)
 * beyond.recount() // a new run
 * const excess = beyond.get() // counts
 * beyond.deleted(500)
 * beyond.get() // excess - 500, without counting
 * ```
 */
export class EventsBeyondLimit {
  readonly #count: Statement<[], number>
  readonly #dataVersion: Statement<[], number>
  readonly #maxEvents: number
  /** Events beyond the limit at the last count, less those deleted since; undefined: count at the next call. */
  #known: number | undefined
  #version = 0

  constructor(db: Database, maxEvents: number) {
    this.#count = db.prepare<[], number>('SELECT count(*) FROM events').pluck()
    this.#dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck()
    this.#maxEvents = maxEvents
  }

  /** At most how many events are beyond the limit now (0 without a limit). Call it inside a write transaction. */
  get(): number {
    if (!Number.isFinite(this.#maxEvents)) return 0
    const version = this.#dataVersion.get()!
    if (this.#known === undefined || version !== this.#version) {
      this.#known = this.#count.get()! - this.#maxEvents
      this.#version = version
    }
    return Math.max(0, this.#known)
  }

  /** `count` events were deleted (by any rule: each one leaves fewer beyond the limit). */
  deleted(count: number): void {
    if (this.#known !== undefined) this.#known -= count
  }

  /** The next `get` counts again (a retention run starts). */
  recount(): void {
    this.#known = undefined
  }
}
