import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream'
import type { KV, Kvm } from '@nats-io/kv'
import { TransportSetupError } from '../errors.js'

/** A value read from a bucket with the revision to update it against. */
export interface Revisioned<T> {
  value: T
  revision: number
}

/**
 * A JetStream KV bucket of JSON values: deleted keys read as absent, `mutate` is a compare-and-set loop so
 * that several nodes can change one key without losing each other's writes.
 */
export class JsonBucket {
  readonly name: string
  readonly #kv: KV

  private constructor(name: string, kv: KV) {
    this.name = name
    this.#kv = kv
  }

  /**
   * Opens the bucket, creating it with `ttlMs` (0: keep forever) and one value per key when missing.
   * An existing bucket is used as it is.
   */
  static async open(
    kvm: Kvm,
    name: string,
    options: { ttlMs: number; replicas: number },
  ): Promise<JsonBucket> {
    try {
      return new JsonBucket(
        name,
        await kvm.create(name, { history: 1, ttl: options.ttlMs, replicas: options.replicas }),
      )
    } catch (createError) {
      try {
        return new JsonBucket(name, await kvm.open(name))
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

  /** Writes only when the key does not exist yet; its revision, or undefined when it exists. */
  async create(key: string, value: unknown): Promise<number | undefined> {
    try {
      return await this.#kv.create(key, JSON.stringify(value))
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
   * wrote or read, tried first without reading the key (a read less when nobody wrote it since).
   */
  async mutate<T>(
    key: string,
    change: (current: T | undefined) => T,
    known?: Revisioned<T>,
  ): Promise<Revisioned<T>> {
    for (let current = known; ; current = await this.get<T>(key)) {
      const next = change(current?.value)
      try {
        const revision =
          current === undefined
            ? await this.#kv.create(key, JSON.stringify(next))
            : await this.#kv.update(key, JSON.stringify(next), current.revision)
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

  /** Deletes the bucket and everything in it. */
  async destroy(): Promise<void> {
    await this.#kv.destroy()
  }
}

function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  )
}
