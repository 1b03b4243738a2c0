import type { DeadLetter, DeadLetterQuery } from '@switchyard/core'
import type { JsonBucket } from './json-bucket.js'
import { fromKeyToken, toKeyToken } from './key-token.js'

/**
 * Dead letters in a KV bucket shared by all nodes, keyed `<handler>.<id>` so that listing one handler's
 * dead letters reads only their keys. Any node can list, replay and delete them.
 */
export class DeadLetterBucket {
  readonly #bucket: JsonBucket

  constructor(bucket: JsonBucket) {
    this.#bucket = bucket
  }

  async add(deadLetter: DeadLetter): Promise<void> {
    await this.#bucket.put(keyOf(deadLetter.handler, deadLetter.id), deadLetter)
  }

  /** Oldest first (ids are UUID v7), after `query.after`, at most `query.limit`. */
  async list(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const { handler, after, limit = Number.POSITIVE_INFINITY } = query
    const keys = await this.#bucket.keys(handler === undefined ? '*.*' : `${toKeyToken(handler)}.*`)
    const wanted = keys
      .map((key) => ({ key, id: idOf(key) }))
      .filter(({ id }) => after === undefined || id > after)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit)
    const found = await Promise.all(wanted.map(({ key }) => this.#bucket.get<DeadLetter>(key)))
    return found.flatMap((entry) => (entry === undefined ? [] : [entry.value]))
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const key = await this.#keyOfId(id)
    return key === undefined ? undefined : (await this.#bucket.get<DeadLetter>(key))?.value
  }

  async delete(id: string): Promise<boolean> {
    const key = await this.#keyOfId(id)
    return key === undefined ? false : this.#bucket.delete(key)
  }

  async purge(before: Date): Promise<number> {
    const cutoff = before.getTime()
    const old = (await this.list()).filter((deadLetter) => Date.parse(deadLetter.failedAt) < cutoff)
    await Promise.all(old.map((deadLetter) => this.#bucket.forget(keyOf(deadLetter.handler, deadLetter.id))))
    return old.length
  }

  async #keyOfId(id: string): Promise<string | undefined> {
    return (await this.#bucket.keys(`*.${toKeyToken(id)}`))[0]
  }
}

function keyOf(handler: string, id: string): string {
  return `${toKeyToken(handler)}.${toKeyToken(id)}`
}

function idOf(key: string): string {
  return fromKeyToken(key.slice(key.indexOf('.') + 1))
}
