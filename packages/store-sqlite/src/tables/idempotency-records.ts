import type { Database, Statement } from 'better-sqlite3'

/**
 * Which handler already succeeded for which idempotency key: the `processed` table (marks of published events'
 * deliveries) and the succeeded rows of the delivery ledger, whose `idempotency_key` is their event's (an
 * enqueued delivery writes no mark: its row is the record, for as long as retention keeps it). A row whose key is
 * its event's id (the default) is found by its primary key, any other in the index `deliveries_keyed`.
 *
 * @example
 * ```ts
 * const records = new IdempotencyRecords(db)
 * records.mark('order-42', 'audit_log', Date.now())
 * records.has('order-42', 'audit_log', 0) // true
 * ```
 */
export class IdempotencyRecords {
  readonly #has: Statement<[{ key: string; handler: string; sinceMs: number }], number>
  readonly #mark: Statement<[string, string, number]>
  readonly #prune: Statement<[number, number]>

  constructor(db: Database) {
    // Named parameters: each string is bound once, not once per branch.
    this.#has = db
      .prepare<[{ key: string; handler: string; sinceMs: number }], number>(
        `SELECT 1 FROM deliveries
         WHERE event_id = @key AND handler = @handler AND status = 'succeeded' AND idempotency_key = event_id
         UNION ALL
         SELECT 1 FROM deliveries
         WHERE idempotency_key = @key AND handler = @handler AND status = 'succeeded' AND idempotency_key <> event_id
         UNION ALL
         SELECT 1 FROM processed WHERE idempotency_key = @key AND handler = @handler AND processed_ms >= @sinceMs
         LIMIT 1`,
      )
      .pluck()
    this.#mark = db.prepare(
      'INSERT INTO processed (idempotency_key, handler, processed_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    )
    this.#prune = db.prepare(
      `DELETE FROM processed WHERE (idempotency_key, handler) IN
         (SELECT idempotency_key, handler FROM processed WHERE processed_ms < ? ORDER BY processed_ms LIMIT ?)`,
    )
  }

  /**
   * Whether a succeeded ledger row has the key, or a mark made at or after `sinceMs` (older ones are as good as
   * pruned).
   */
  has(idempotencyKey: string, handler: string, sinceMs: number): boolean {
    return this.#has.get({ key: idempotencyKey, handler, sinceMs }) !== undefined
  }

  mark(idempotencyKey: string, handler: string, nowMs: number): void {
    this.#mark.run(idempotencyKey, handler, nowMs)
  }

  /** Deletes up to `limit` records older than `cutoffMs`; returns how many went. */
  prune(cutoffMs: number, limit: number): number {
    return this.#prune.run(cutoffMs, limit).changes
  }
}
