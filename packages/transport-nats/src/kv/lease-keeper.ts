import type { JsonBucket } from './json-bucket.js'
import { toKeyToken } from './key-token.js'

/** A lease as the bucket keeps it. */
interface Lease {
  holder: string
  /** Epoch ms after which another holder may take it. */
  until: number
}

/**
 * Leases for work that runs once cluster-wide (`Store.acquireLease`), as keys `lease.<name>` of a KV bucket
 * changed with compare-and-set: of two nodes taking a free or expired lease at once, one wins.
 *
 * @example
 * ```ts
 * const leases = new LeaseKeeper(bucket)
 * if (await leases.acquire('switchyard.scheduler', nodeId, 10_000)) fireDueWork()
 * ```
 */
export class LeaseKeeper {
  readonly #bucket: JsonBucket

  constructor(bucket: JsonBucket) {
    this.#bucket = bucket
  }

  /** Takes the lease when it is free, expired or `holder`'s already, for `ttlMs` from now. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const key = `lease.${toKeyToken(name)}`
    const now = Date.now()
    const lease: Lease = { holder, until: now + ttlMs }
    const current = await this.#bucket.get<Lease>(key)
    if (current === undefined) return (await this.#bucket.create(key, lease)) !== undefined
    if (current.value.holder !== holder && current.value.until > now) return false
    return this.#bucket.update(key, lease, current.revision)
  }
}
