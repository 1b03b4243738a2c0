import type { FlowChange, FlowState } from '@switchyard/core'
import type { JsonBucket } from './json-bucket.js'
import { toKeyToken } from './key-token.js'

/**
 * The core `FlowState` in a JetStream KV bucket shared by every node (`NatsStore.flowState`): each change is a
 * compare-and-set on the record's revision, retried when another node changed it first, so throttle and
 * rate-limit windows, keyed-concurrency slots and debounce bursts hold cluster-wide. Records untouched for the
 * bucket's TTL expire (a rate-limit window longer than it does not hold).
 *
 * @example
 * ```ts
 * const bus = new EventBus({ transport, store }) // store.flowState is a FlowBucket
 * ```
 */
export class FlowBucket implements FlowState {
  readonly shared = true
  readonly #bucket: JsonBucket

  constructor(bucket: JsonBucket) {
    this.#bucket = bucket
  }

  async update<T, R>(key: string, change: (current: T | undefined) => FlowChange<T, R>): Promise<R> {
    const token = toKeyToken(key)
    for (;;) {
      const current = await this.#bucket.get<T>(token)
      const { next, result } = change(current?.value)
      if (next === undefined) return result
      const bucket = this.#bucket
      const written =
        next === null
          ? current === undefined || (await bucket.deleteAt(token, current.revision))
          : current === undefined
            ? await bucket.create(token, next)
            : await bucket.update(token, next, current.revision)
      if (written) return result
    }
  }
}
