import type { KvEntry, KvListOptions } from './store.js'

interface Slot {
  /** The value as JSON text, so stored values never alias the caller's objects. */
  json: string
  expiresAt: number
}

/**
 * The plugin KV of `MemoryStore`: namespaces of JSON values with optional expiry.
 *
 * @example
 * ```ts
 * const kv = new MemoryKv()
 * kv.set('audit-log', 'count', 1)
 * kv.get('audit-log', 'count') // 1
 * ```
 */
export class MemoryKv {
  #namespaces = new Map<string, Map<string, Slot>>()

  get(namespace: string, key: string): unknown | undefined {
    const slot = this.#live(namespace, key)
    return slot === undefined ? undefined : JSON.parse(slot.json)
  }

  set(namespace: string, key: string, value: unknown, ttlMs?: number): void {
    const json = JSON.stringify(value)
    if (json === undefined) throw new TypeError(`kv ${namespace}/${key}: value is not JSON-serialisable`)
    let entries = this.#namespaces.get(namespace)
    if (entries === undefined) {
      entries = new Map()
      this.#namespaces.set(namespace, entries)
    }
    entries.set(key, { json, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + ttlMs })
  }

  delete(namespace: string, key: string): boolean {
    const existed = this.#live(namespace, key) !== undefined
    this.#namespaces.get(namespace)?.delete(key)
    return existed
  }

  list(namespace: string, options: KvListOptions = {}): KvEntry[] {
    const { prefix = '', after, limit = Number.POSITIVE_INFINITY } = options
    const entries = this.#namespaces.get(namespace)
    if (entries === undefined) return []
    const keys = [...entries.keys()]
      .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
      .sort()
    const result: KvEntry[] = []
    for (const key of keys) {
      if (result.length >= limit) break
      const slot = this.#live(namespace, key)
      if (slot !== undefined) result.push({ key, value: JSON.parse(slot.json) })
    }
    return result
  }

  dropNamespace(namespace: string): void {
    this.#namespaces.delete(namespace)
  }

  #live(namespace: string, key: string): Slot | undefined {
    const entries = this.#namespaces.get(namespace)
    const slot = entries?.get(key)
    if (slot === undefined) return undefined
    if (slot.expiresAt > Date.now()) return slot
    entries!.delete(key)
    return undefined
  }
}
