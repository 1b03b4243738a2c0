import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream'
import type { KV, Kvm } from '@nats-io/kv'
import { headers } from '@nats-io/transport-node'
import type { RequestMux } from '../connection/request-mux.js'
import { TransportSetupError } from '../errors.js'
import { readPubAck } from '../stream/pub-ack.js'

/** Header of a value's message carrying its tag (see `keysTagged`). */
const TAG_HEADER = 'Switchyard-Tag'
/** What a KV key may hold (as nats.js checks it): subject tokens of these characters, no empty token at either end. */
const VALID_KEY = /^[-/=.\w]+$/

/** A value read from a bucket with the revision to update it against. */
export interface Revisioned<T> {
  value: T
  revision: number
}

/**
 * A JetStream KV bucket of JSON values: deleted keys read as absent, `mutate` is a compare-and-set loop so
 * that several nodes can change one key without losing each other's writes. A write may carry a tag (a header
 * of its message, beside the value), and `keysTagged` lists the keys whose value carries one from the headers
 * alone: an index kept in the same write as the value. Reads and writes of single keys (several per event) go
 * through the store's `RequestMux` as the KV protocol's plain messages; the rest through nats.js's KV.
 */
export class JsonBucket {
  readonly name: string
  readonly #kv: KV
  readonly #js: JetStreamClient
  readonly #mux: RequestMux
  /** The bucket's stream answers direct gets (`allow_direct`, on for buckets nats.js creates on 2.9+). */
  readonly #direct: boolean

  private constructor(name: string, kv: KV, js: JetStreamClient, mux: RequestMux, direct: boolean) {
    this.name = name
    this.#kv = kv
    this.#js = js
    this.#mux = mux
    this.#direct = direct
  }

  /**
   * Opens the bucket, creating it with `ttlMs` (0: keep forever) and one value per key when missing.
   * An existing bucket is used as it is.
   */
  static async open(
    kvm: Kvm,
    js: JetStreamClient,
    mux: RequestMux,
    name: string,
    options: { ttlMs: number; replicas: number },
  ): Promise<JsonBucket> {
    let kv: KV
    try {
      kv = await kvm.create(name, { history: 1, ttl: options.ttlMs, replicas: options.replicas })
    } catch (createError) {
      try {
        kv = await kvm.open(name)
      } catch {
        throw new TransportSetupError(`KV bucket "${name}"`, createError)
      }
    }
    const direct = (await kv.status()).streamInfo.config.allow_direct === true
    return new JsonBucket(name, kv, js, mux, direct)
  }

  async get<T>(key: string): Promise<Revisioned<T> | undefined> {
    if (!this.#direct) {
      const entry = await this.#kv.get(key)
      if (entry === null || entry.operation !== 'PUT') return undefined
      return { value: entry.json<T>(), revision: entry.revision }
    }
    // The direct get of a subject's last message, as nats.js's `KV.get` asks for it.
    const reply = await this.#mux.request(`$JS.API.DIRECT.GET.KV_${this.name}.${this.#subject(key)}`)
    const code = reply.headers?.code ?? 0
    if (code === 404) return undefined
    if (code !== 0)
      throw new JetStreamApiError({ code, err_code: 0, description: reply.headers!.description })
    // a delete or purge marker (`KV-Operation` DEL or PURGE) reads as absent
    if (reply.headers?.get('KV-Operation')) return undefined
    return { value: reply.json<T>(), revision: Number(reply.headers!.get('Nats-Sequence')) }
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.#write(key, JSON.stringify(value), undefined, undefined)
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
      await this.#write(key, JSON.stringify(value), revision, undefined)
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
            : await this.#write(key, data, current.revision, tag)
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

  /**
   * Until when (epoch ms) a value written so far may still be in the bucket: 0 when it holds nothing, the last
   * write plus the bucket's TTL, or Infinity when values do not expire.
   */
  async holdsUntil(): Promise<number> {
    const { config, state } = (await this.#kv.status()).streamInfo
    if (state.messages === 0) return 0
    if (config.max_age === 0) return Number.POSITIVE_INFINITY
    return Date.parse(state.last_ts) + config.max_age / 1e6
  }

  /** Deletes the bucket and everything in it. */
  async destroy(): Promise<void> {
    await this.#kv.destroy()
  }

  /** `KV.create`, with a tag when given. */
  async #create(key: string, data: string, tag: string | undefined): Promise<number> {
    try {
      return await this.#write(key, data, 0, tag)
    } catch (error) {
      // A deleted key keeps its delete marker: create on top of it, as `KV.create` does.
      const entry = isWrongLastSequence(error) ? await this.#kv.get(key) : null
      if (entry === null || entry.operation === 'PUT') throw error
      return this.#write(key, data, entry.revision, tag)
    }
  }

  /**
   * Publishes a value to the key's subject, as nats.js's `KV.put` does: only while the key is at `revision`
   * when given (0: absent), tagged with `tag` when given. Its revision; rejects with `JetStreamApiError` when
   * the stream refused it (`isWrongLastSequence` when the key was not at `revision`).
   */
  async #write(
    key: string,
    data: string,
    revision: number | undefined,
    tag: string | undefined,
  ): Promise<number> {
    const subject = this.#subject(key)
    let hdrs: ReturnType<typeof headers> | undefined
    if (revision !== undefined || tag !== undefined) {
      hdrs = headers()
      if (revision !== undefined) hdrs.set('Nats-Expected-Last-Subject-Sequence', `${revision}`)
      if (tag !== undefined) hdrs.set(TAG_HEADER, tag)
    }
    return readPubAck(await this.#mux.request(subject, data, hdrs)).seq
  }

  /** The subject of a key's messages; throws on a key nats.js would refuse (it is not a valid subject). */
  #subject(key: string): string {
    if (key.startsWith('.') || key.endsWith('.') || !VALID_KEY.test(key))
      throw new Error(`invalid key: ${key}`)
    return `$KV.${this.name}.${key}`
  }
}

function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  )
}
