import { type AuditQuery, type AuditRecord, pageAuditRecords } from '@switchyard/core'
import type { JsonBucket } from './json-bucket.js'
import { fromKeyToken, toKeyToken } from './key-token.js'

/**
 * The audit trail in a KV bucket shared by all nodes, one key per record id. Listing reads the keys, skips those
 * before the cursor, reads the rest and filters them in code: audit queries are rare next to the event traffic.
 */
export class AuditBucket {
  readonly #bucket: JsonBucket

  constructor(bucket: JsonBucket) {
    this.#bucket = bucket
  }

  async add(record: AuditRecord): Promise<void> {
    await this.#bucket.put(toKeyToken(record.id), record)
  }

  async list(query: AuditQuery = {}): Promise<AuditRecord[]> {
    return pageAuditRecords(await this.#read(query.after), query)
  }

  async purge(before: Date): Promise<number> {
    const old = (await this.#read()).filter((record) => Date.parse(record.time) < before.getTime())
    await Promise.all(old.map((record) => this.#bucket.forget(toKeyToken(record.id))))
    return old.length
  }

  async #read(after?: string): Promise<AuditRecord[]> {
    const keys = (await this.#bucket.keys()).filter((key) => after === undefined || fromKeyToken(key) > after)
    const found = await Promise.all(keys.map((key) => this.#bucket.get<AuditRecord>(key)))
    return found.flatMap((entry) => (entry === undefined ? [] : [entry.value]))
  }
}
