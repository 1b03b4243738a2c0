import type { JsonBucket } from './json-bucket.js'
import { toKeyToken } from './key-token.js'

/** How often the bucket's state is read again, for records an older node of the cluster still writes. */
const RECHECK_MS = 60_000

/**
 * The `processed` bucket in which earlier versions kept idempotency records (`<handler>.<idempotencyKey>`: 1).
 * Nothing writes it any more (the ledger is the index, see `DeliveryLedger.isProcessed`); it is read beside the
 * ledger only while it may still hold a record: its last write plus its TTL, as of its state read at most a
 * minute ago. So the records of an older version, or of an older node during a rolling upgrade, keep holding,
 * and once they have expired no read goes to it.
 *
 * @example
 * ```ts
 * const legacy = await LegacyProcessed.open(processedBucket)
 * await legacy.has('order-1', 'audit_log')
 * ```
 */
export class LegacyProcessed {
  readonly #bucket: JsonBucket
  #until = 0
  #checkedAt = 0
  #checking: Promise<void> | undefined

  private constructor(bucket: JsonBucket) {
    this.#bucket = bucket
  }

  static async open(bucket: JsonBucket): Promise<LegacyProcessed> {
    const legacy = new LegacyProcessed(bucket)
    await legacy.#check()
    return legacy
  }

  /** Whether the bucket holds the record of `handler` for `idempotencyKey`. */
  async has(idempotencyKey: string, handler: string): Promise<boolean> {
    const now = Date.now()
    // in the background: a read that fails leaves the last answer in place until the next minute
    if (now - this.#checkedAt >= RECHECK_MS) void this.#check().catch(() => {})
    if (now >= this.#until) return false
    return (await this.#bucket.get(`${toKeyToken(handler)}.${toKeyToken(idempotencyKey)}`)) !== undefined
  }

  #check(): Promise<void> {
    this.#checkedAt = Date.now()
    this.#checking ??= this.#bucket
      .holdsUntil()
      .then((until) => {
        this.#until = until
      })
      .finally(() => {
        this.#checking = undefined
      })
    return this.#checking
  }
}
