import type { Store } from '../store/store.js'

/**
 * Whether this node leads a piece of cluster-wide work (firing delayed events, cron ticks): it holds a lease
 * in the Store, renewed when half of it is used up. A Store without `acquireLease` serves one node only (memory,
 * SQLite), which then always leads. A Store failure is answered as "not leading" until the next try.
 *
 * @example
 * ```ts
 * const lease = new LeaderLease(store, 'switchyard.scheduler', nodeId, 10_000)
 * if (await lease.held()) fireDueWork()
 * ```
 */
export class LeaderLease {
  readonly #store: Pick<Store, 'acquireLease'>
  readonly #name: string
  readonly #holder: string
  readonly #ttlMs: number
  /** Until when (epoch ms) the lease is ours without asking again; 0: ask. */
  #renewAfter = 0

  constructor(store: Pick<Store, 'acquireLease'>, name: string, holder: string, ttlMs: number) {
    this.#store = store
    this.#name = name
    this.#holder = holder
    this.#ttlMs = ttlMs
  }

  /** Acquires or renews the lease when due; resolves to whether this node holds it now. */
  async held(): Promise<boolean> {
    const acquire = this.#store.acquireLease
    if (acquire === undefined) return true
    const now = Date.now()
    if (now < this.#renewAfter) return true
    let ours = false
    try {
      ours = await acquire.call(this.#store, this.#name, this.#holder, this.#ttlMs)
    } catch {
      ours = false
    }
    this.#renewAfter = ours ? now + this.#ttlMs / 2 : 0
    return ours
  }
}
