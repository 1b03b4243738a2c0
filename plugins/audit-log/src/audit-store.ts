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
 * The audit entries in the plugin store, keyed by their cursor so that key order is recording order.
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

  constructor(store: PluginStore, retention: Retention) {
    this.#store = store
    this.#retention = retention
  }

  async add(entry: AuditEntry): Promise<void> {
    await this.#store.set(PREFIX + entry.cursor, entry)
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

  async #sweep(now: Date): Promise<number> {
    const entries = await this.#all()
    const cutoff = new Date(now.getTime() - this.#retention.maxAgeMs).toISOString()
    const firstFresh = entries.findIndex((entry) => entry.recordedAt >= cutoff)
    const expired = firstFresh === -1 ? entries.length : firstFresh
    const doomed = Math.max(expired, entries.length - this.#retention.maxEntries)
    await Promise.all(entries.slice(0, doomed).map((entry) => this.#store.delete(PREFIX + entry.cursor)))
    return doomed
  }

  async #all(): Promise<AuditEntry[]> {
    return (await this.#store.list({ prefix: PREFIX })).map((kv) => kv.value as AuditEntry)
  }
}
