import type { KvEntry, KvListOptions } from '@switchyard/core'
import type { JsonBucket } from './json-bucket.js'
import { fromKeyToken, toKeyToken } from './key-token.js'

/** A stored value with its expiry (epoch ms), because a 2.9 server has no per-key TTL. */
interface Slot {
  v: unknown
  exp?: number
}

/**
 * Plugin KV namespaces in one bucket shared by all nodes, keyed `<namespace>.<key>`. Expired values read as
 * absent and are removed when met.
 */
export class PluginKvBucket {
  readonly #bucket: JsonBucket

  constructor(bucket: JsonBucket) {
    this.#bucket = bucket
  }

  async get(namespace: string, key: string): Promise<unknown | undefined> {
    return this.#live(keyOf(namespace, key))
  }

  async set(namespace: string, key: string, value: unknown, ttlMs?: number): Promise<void> {
    if (JSON.stringify(value) === undefined) {
      throw new TypeError(`kv ${namespace}/${key}: value is not JSON-serialisable`)
    }
    const slot: Slot = ttlMs === undefined ? { v: value } : { v: value, exp: Date.now() + ttlMs }
    await this.#bucket.put(keyOf(namespace, key), slot)
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    const stored = keyOf(namespace, key)
    const existed = (await this.#live(stored)) !== undefined
    if (existed) await this.#bucket.forget(stored)
    return existed
  }

  /** Entries in key order, under `prefix`, sorting after `after`, at most `limit`. */
  async list(namespace: string, options: KvListOptions = {}): Promise<KvEntry[]> {
    const { prefix = '', after, limit = Number.POSITIVE_INFINITY } = options
    const keys = (await this.#bucket.keys(`${toKeyToken(namespace)}.*`))
      .map((stored) => ({ stored, key: fromKeyToken(stored.slice(stored.indexOf('.') + 1)) }))
      .filter(({ key }) => key.startsWith(prefix) && (after === undefined || key > after))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    const result: KvEntry[] = []
    for (const { stored, key } of keys) {
      if (result.length >= limit) break
      const value = await this.#live(stored)
      if (value !== undefined) result.push({ key, value })
    }
    return result
  }

  async dropNamespace(namespace: string): Promise<void> {
    const keys = await this.#bucket.keys(`${toKeyToken(namespace)}.*`)
    await Promise.all(keys.map((key) => this.#bucket.forget(key)))
  }

  async #live(stored: string): Promise<unknown | undefined> {
    const slot = (await this.#bucket.get<Slot>(stored))?.value
    if (slot === undefined) return undefined
    if (slot.exp === undefined || slot.exp > Date.now()) return slot.v
    await this.#bucket.forget(stored)
    return undefined
  }
}

function keyOf(namespace: string, key: string): string {
  return `${toKeyToken(namespace)}.${toKeyToken(key)}`
}
