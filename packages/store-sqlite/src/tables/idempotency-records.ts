import type { Database, Statement } from 'better-sqlite3'

/**
 * Which handler already succeeded for which idempotency key: the `processed` table (marks of published events'
 * deliveries) and the succeeded rows of the delivery ledger, whose `idempotency_key` is their event's (an
 * enqueued delivery writes no mark: its row is the record, for as long as retention keeps it).
 *
 * @example
 * ```ts
 * const records = new IdempotencyRecords(db)
 * records.mark('order-42', 'audit_log', Date.now())
 * records.has('order-42', 'audit_log', 0) // true
 * ```
 */
export class IdempotencyRecords {
  readonly #has: Statement<[string, string, string, string, number], number>
  readonly #mark: Statement<[string, string, number]>
  readonly #prune: Statement<[number, number]>

  constructor(db: Database) {
    this.#has = db
      .prepare<[string, string, string, string, number], number>(
        `SELECT 1 FROM deliveries WHERE idempotency_key = ? AND handler = ? AND status = 'succeeded'
         UNION ALL
         SELECT 1 FROM processed WHERE idempotency_key = ? AND handler = ? AND processed_ms >= ?
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
    return this.#has.get(idempotencyKey, handler, idempotencyKey, handler, sinceMs) !== undefined
  }

  mark(idempotencyKey: string, handler: string, nowMs: number): void {
    this.#mark.run(idempotencyKey, handler, nowMs)
  }

  /** Deletes up to `limit` records older than `cutoffMs`; returns how many went. */
  prune(cutoffMs: number, limit: number): number {
    return this.#prune.run(cutoffMs, limit).changes
  }
}
