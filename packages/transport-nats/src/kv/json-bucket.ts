import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream'
import type { KV, Kvm } from '@nats-io/kv'
import { headers } from '@nats-io/transport-node'
import { TransportSetupError } from '../errors.js'

/** Header of a value's message carrying its tag (see `keysTagged`). */
const TAG_HEADER = 'Switchyard-Tag'

/** A value read from a bucket with the revision to update it against. */
export interface Revisioned<T> {
  value: T
  revision: number
}

/**
 * A JetStream KV bucket of JSON values: deleted keys read as absent, `mutate` is a compare-and-set loop so
 * that several nodes can change one key without losing each other's writes. A write may carry a tag (a header
 * of its message, beside the value), and `keysTagged` lists the keys whose value carries one from the headers
 * alone: an index kept in the same write as the value.
 */
export class JsonBucket {
  readonly name: string
  readonly #kv: KV
  readonly #js: JetStreamClient

  private constructor(name: string, kv: KV, js: JetStreamClient) {
    this.name = name
    this.#kv = kv
    this.#js = js
  }

  /**
   * Opens the bucket, creating it with `ttlMs` (0: keep forever) and one value per key when missing.
   * An existing bucket is used as it is.
   */
  static async open(
    kvm: Kvm,
    js: JetStreamClient,
    name: string,
    options: { ttlMs: number; replicas: number },
  ): Promise<JsonBucket> {
    try {
      return new JsonBucket(
        name,
        await kvm.create(name, { history: 1, ttl: options.ttlMs, replicas: options.replicas }),
        js,
      )
    } catch (createError) {
      try {
        return new JsonBucket(name, await kvm.open(name), js)
      } catch {
        throw new TransportSetupError(`KV bucket "${name}"`, createError)
      }
    }
  }

  async get<T>(key: string): Promise<Revisioned<T> | undefined> {
    const entry = await this.#kv.get(key)
    if (entry === null || entry.operation !== 'PUT') return undefined
    return { value: entry.json<T>(), revision: entry.revision }
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.#kv.put(key, JSON.stringify(value))
  }

  /**
   * Writes only when the key does not exist yet, tagged with `tag` if given; its revision, or undefined when it
   * exists.
   */
  async create(key: string, value: unknown, tag?: string): Promise<number | undefined> {
    try {
      return await this.#create(key, JSON.stringify(value), tag)
    } catch (error) {
      if (isWrongLastSequence(error)) return undefined
      throw error
    }
  }

  /** Writes only when the key is still at `revision`; false when another writer changed it since. */
  async update(key: string, value: unknown, revision: number): Promise<boolean> {
    try {
      await this.#kv.update(key, JSON.stringify(value), revision)
      return true
    } catch (error) {
      if (isWrongLastSequence(error)) return false
      throw error
    }
  }

  /**
   * Replaces the value with `change(current)` (current is undefined when absent), retrying when another writer
   * got there first; resolves to what it wrote and its revision. `known`: the value and revision the caller last
   * wrote or read, tried first without reading the key (a read less when nobody wrote it since). `tagOf`: the
   * tag each value written carries (see `keysTagged`).
   */
  async mutate<T>(
    key: string,
    change: (current: T | undefined) => T,
    known?: Revisioned<T>,
    tagOf?: (value: T) => string | undefined,
  ): Promise<Revisioned<T>> {
    for (let current = known; ; current = await this.get<T>(key)) {
      const next = change(current?.value)
      const data = JSON.stringify(next)
      const tag = tagOf?.(next)
      try {
        const revision =
          current === undefined
            ? await this.#create(key, data, tag)
            : await this.#update(key, data, current.revision, tag)
        return { value: next, revision }
      } catch (error) {
        if (!isWrongLastSequence(error)) throw error
      }
    }
  }

  /** Deletes the key only while it is still at `revision`; false when another writer changed it first. */
  async deleteAt(key: string, revision: number): Promise<boolean> {
    try {
      await this.#kv.delete(key, { previousSeq: revision })
      return true
    } catch (error) {
      if (isWrongLastSequence(error)) return false
      throw error
    }
  }

  /** Removes the key (and its history); resolves to whether it existed. */
  async delete(key: string): Promise<boolean> {
    const existed = (await this.get(key)) !== undefined
    if (existed) await this.#kv.purge(key)
    return existed
  }

  /** Removes the key without reading it first. */
  async forget(key: string): Promise<void> {
    await this.#kv.purge(key)
  }

  /** Keys matching a subject-style filter (`*` one token, `>` the rest), in the order they were last written. */
  async keys(filter = '>'): Promise<string[]> {
    const keys: string[] = []
    for await (const key of await this.#kv.keys(filter)) keys.push(key)
    return keys
  }

  /**
   * Keys matching `filter` whose current value was written with `tag`. Reads the last message of every matching
   * key, headers only (no values): one pass over the keys, like `keys`.
   */
  async keysTagged(filter: string, tag: string): Promise<string[]> {
    const prefix = `$KV.${this.name}.`
    const consumer = await this.#js.consumers.getPushConsumer(`KV_${this.name}`, {
      filter_subjects: `${prefix}${filter}`,
      deliver_policy: DeliverPolicy.LastPerSubject,
      headers_only: true,
    })
    const keys: string[] = []
    if ((await consumer.info()).num_pending === 0) {
      await consumer.delete()
      return keys
    }
    const messages = await consumer.consume()
    // Entries that expired since `info` never come: the consumer's idle heartbeat says nothing more will.
    void (async () => {
      for await (const status of messages.status()) if (status.type === 'heartbeat') await messages.close()
    })()
    for await (const message of messages) {
      if (message.headers?.get(TAG_HEADER) === tag) keys.push(message.subject.slice(prefix.length))
      if (message.info.pending === 0) break
    }
    await messages.close()
    return keys
  }

  /** Deletes the bucket and everything in it. */
  async destroy(): Promise<void> {
    await this.#kv.destroy()
  }

  /** `KV.create`, with a tag when given (a tagged write is a publish to the key's subject with the header). */
  async #create(key: string, data: string, tag: string | undefined): Promise<number> {
    if (tag === undefined) return this.#kv.create(key, data)
    try {
      return await this.#update(key, data, 0, tag)
    } catch (error) {
      // A deleted key keeps its delete marker: create on top of it, as `KV.create` does.
      const entry = isWrongLastSequence(error) ? await this.#kv.get(key) : null
      if (entry === null || entry.operation === 'PUT') throw error
      return this.#update(key, data, entry.revision, tag)
    }
  }

  async #update(key: string, data: string, revision: number, tag: string | undefined): Promise<number> {
    if (tag === undefined) return this.#kv.update(key, data, revision)
    const tagged = headers()
    tagged.set(TAG_HEADER, tag)
    const ack = await this.#js.publish(`$KV.${this.name}.${key}`, data, {
      headers: tagged,
      expect: { lastSubjectSequence: revision },
    })
    return ack.seq
  }
}

function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  )
}
