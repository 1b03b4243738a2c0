import type { KvEntry, PluginState } from '@switchyard/core'
import type { Database, Statement } from 'better-sqlite3'

interface KvRow {
  key: string
  value: string
}

/** Escapes GLOB's wildcards so that a prefix matches literally (and SQLite can still use the key index). */
function globPrefix(prefix: string): string {
  return `${prefix.replace(/[*?[]/g, '[$&]')}*`
}

/**
 * Plugin state and plugin KV (tables `plugin_state` and `kv`). Expired KV entries read as absent at once and
 * are deleted later by retention.
 *
 * @example
 * ```ts
 * const data = new PluginData(db)
 * data.kvSet('audit-log', 'cursor', JSON.stringify(42), undefined)
 * ```
 */
export class PluginData {
  readonly #getState: Statement<[string], { enabled: number; updated_at: string }>
  readonly #setState: Statement<[string, number, string]>
  readonly #deleteState: Statement<[string]>
  readonly #deleteNamespace: Statement<[string]>
  readonly #kvGet: Statement<[string, string, number], string>
  readonly #kvSet: Statement<[string, string, string, number | null]>
  readonly #kvDelete: Statement<[string, string, number]>
  readonly #kvList: Statement<[string, string, string | null, string | null, number, number], KvRow>
  readonly #kvPrune: Statement<[number, number]>

  constructor(db: Database) {
    this.#getState = db.prepare('SELECT enabled, updated_at FROM plugin_state WHERE plugin = ?')
    this.#setState = db.prepare(
      `INSERT INTO plugin_state (plugin, enabled, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (plugin) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`,
    )
    this.#deleteState = db.prepare('DELETE FROM plugin_state WHERE plugin = ?')
    this.#deleteNamespace = db.prepare('DELETE FROM kv WHERE namespace = ?')
    const live = '(expires_ms IS NULL OR expires_ms > ?)'
    this.#kvGet = db
      .prepare<[string, string, number], string>(
        `SELECT value FROM kv WHERE namespace = ? AND key = ? AND ${live}`,
      )
      .pluck()
    this.#kvSet = db.prepare(
      `INSERT INTO kv (namespace, key, value, expires_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_ms = excluded.expires_ms`,
    )
    this.#kvDelete = db.prepare(`DELETE FROM kv WHERE namespace = ? AND key = ? AND ${live}`)
    this.#kvList = db.prepare(
      `SELECT key, value FROM kv WHERE namespace = ? AND key GLOB ? AND (? IS NULL OR key > ?) AND ${live}
       ORDER BY key LIMIT ?`,
    )
    this.#kvPrune = db.prepare(
      `DELETE FROM kv WHERE (namespace, key) IN
         (SELECT namespace, key FROM kv WHERE expires_ms <= ? ORDER BY expires_ms LIMIT ?)`,
    )
  }

  getState(plugin: string): PluginState | undefined {
    const row = this.#getState.get(plugin)
    return row && { enabled: row.enabled === 1, updatedAt: row.updated_at }
  }

  setState(plugin: string, state: PluginState): void {
    this.#setState.run(plugin, state.enabled ? 1 : 0, state.updatedAt)
  }

  forget(plugin: string): void {
    this.#deleteState.run(plugin)
    this.#deleteNamespace.run(plugin)
  }

  kvGet(namespace: string, key: string, nowMs: number): unknown | undefined {
    const value = this.#kvGet.get(namespace, key, nowMs)
    return value === undefined ? undefined : JSON.parse(value)
  }

  kvSet(namespace: string, key: string, json: string, expiresMs: number | undefined): void {
    this.#kvSet.run(namespace, key, json, expiresMs ?? null)
  }

  kvDelete(namespace: string, key: string, nowMs: number): boolean {
    return this.#kvDelete.run(namespace, key, nowMs).changes > 0
  }

  /** Live entries under `prefix` whose key sorts after `after` (when given), in key order. */
  kvList(
    namespace: string,
    prefix: string,
    after: string | undefined,
    limit: number,
    nowMs: number,
  ): KvEntry[] {
    const cursor = after ?? null
    return this.#kvList
      .all(namespace, globPrefix(prefix), cursor, cursor, nowMs, limit)
      .map((row) => ({ key: row.key, value: JSON.parse(row.value) }))
  }

  /** Deletes up to `limit` expired entries; returns how many went. */
  pruneExpired(nowMs: number, limit: number): number {
    return this.#kvPrune.run(nowMs, limit).changes
  }
}
