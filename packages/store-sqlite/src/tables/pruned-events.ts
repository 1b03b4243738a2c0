import type { Database, Statement } from 'better-sqlite3'

/**
 * Deletes the events that one query picks, with their ledger rows, in two statements that run inside SQLite: the
 * picked rows never travel to JavaScript and back. Selecting a batch and running two deletes per event from
 * JavaScript cost more than the b-tree work of the deletes themselves (binding, running and the row objects:
 * about a third of a retention run's instructions, measured with callgrind on 30,000 deletes).
 *
 * `pick` is the tail of a `SELECT` over `events e` (`FROM events e WHERE … ORDER BY seq LIMIT @limit`). It runs
 * twice, before and after the ledger rows of its events went, and must pick the same events both times: true
 * of any pick of finished events (an event whose deliveries are gone is still finished, an unfinished one
 * still unfinished), and nothing else writes between the two statements of one transaction.
 *
 * @example
 * ```ts
 * const oldest = new PrunedEvents(db, 'FROM events e ORDER BY seq LIMIT @limit')
 * oldest.delete({ limit: 500 }) // how many events went
 * ```
 */
export class PrunedEvents<P extends Record<string, number>> {
  readonly #deleteDeliveries: Statement<[P]>
  readonly #deleteEvents: Statement<[P]>

  constructor(db: Database, pick: string) {
    this.#deleteDeliveries = db.prepare(`DELETE FROM deliveries WHERE event_id IN (SELECT e.id ${pick})`)
    this.#deleteEvents = db.prepare(`DELETE FROM events WHERE seq IN (SELECT e.seq ${pick})`)
  }

  /** Deletes the picked events and their ledger; returns how many events went. Run it inside a transaction. */
  delete(params: P): number {
    this.#deleteDeliveries.run(params)
    return this.#deleteEvents.run(params).changes
  }
}
