import type { PluginStore } from '@switchyard/plugin-sdk'
import type { AuditEntry } from './audit-entry.js'
import { type AuditPage, type AuditQuery, pageEntries } from './audit-query.js'

const PREFIX = 'entry:'

/** How much the audit log keeps. */
export interface Retention {
  maxAgeMs: number
  maxEntries: number
}

/**
 * The audit entries in the plugin store, keyed by their cursor so that key order is recording order. It counts
 * the entries: exactly after a full sweep (`prune`), then adding those it recorded since, so that `trim` lists
 * only the oldest entries it deletes rather than the whole log.
 *
 * @example
 * ```ts
 * const audit = new AuditStore(ctx.store, { maxAgeMs: 86_400_000, maxEntries: 10_000 })
 * await audit.add(entry)
 * await audit.query({ limit: 50, order: 'desc' })
 * ```
 */
export class AuditStore {
  readonly #store: PluginStore
  readonly #retention: Retention
  #pruning: Promise<number> | undefined
  /** Entries in the store as of the last full sweep, plus those added here since; undefined before one. */
  #count: number | undefined
  #addedSinceFullSweep = 0

  constructor(store: PluginStore, retention: Retention) {
    this.#store = store
    this.#retention = retention
  }

  add(entry: AuditEntry): Promise<void> {
    // Counted before the write: a sweep listing the log meanwhile then never counts an entry twice.
    if (this.#count !== undefined) this.#count++
    this.#addedSinceFullSweep++
    return this.#store.set(PREFIX + entry.cursor, entry)
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    return pageEntries(await this.#all(), query)
  }

  /**
   * Deletes entries older than the maximum age, then the oldest beyond the maximum count; resolves to how many
   * were deleted. Concurrent calls share one sweep.
   */
  prune(now = new Date()): Promise<number> {
    this.#pruning ??= this.#sweep(now).finally(() => {
      this.#pruning = undefined
    })
    return this.#pruning
  }

  /**
   * Deletes the oldest entries beyond the maximum count, as far as this store counted them (its own additions
   * since the last full sweep: entries other nodes added to a shared store are seen at the next full one). A full
   * sweep (`prune`) instead when it has not counted yet, or once it added `maxEntries` since the last. Resolves to
   * how many were deleted; shares a sweep in progress.
   */
  trim(): Promise<number> {
    const count = this.#count
    if (count === undefined || this.#addedSinceFullSweep >= this.#retention.maxEntries) return this.prune()
    this.#pruning ??= this.#trimTo(count).finally(() => {
      this.#pruning = undefined
    })
    return this.#pruning
  }

  async #sweep(now: Date): Promise<number> {
    this.#addedSinceFullSweep = 0
    const entries = await this.#all()
    const cutoff = new Date(now.getTime() - this.#retention.maxAgeMs).toISOString()
    const firstFresh = entries.findIndex((entry) => entry.recordedAt >= cutoff)
    const expired = firstFresh === -1 ? entries.length : firstFresh
    const doomed = Math.max(expired, entries.length - this.#retention.maxEntries)
    await this.#delete(entries.slice(0, doomed))
    this.#count = entries.length - doomed + this.#addedSinceFullSweep
    return doomed
  }

  async #trimTo(count: number): Promise<number> {
    const excess = count - this.#retention.maxEntries
    if (excess <= 0) return 0
    const oldest = (await this.#store.list({ prefix: PREFIX, limit: excess })).map(
      (kv) => kv.value as AuditEntry,
    )
    await this.#delete(oldest)
    this.#count = (this.#count ?? count) - oldest.length
    return oldest.length
  }

  async #delete(entries: readonly AuditEntry[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.#store.delete(PREFIX + entry.cursor)))
  }

  async #all(): Promise<AuditEntry[]> {
    return (await this.#store.list({ prefix: PREFIX })).map((kv) => kv.value as AuditEntry)
  }
}
