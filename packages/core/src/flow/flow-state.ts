/**
 * What a `FlowState.update` change decides: `next` is the record's new value (`null` deletes it, undefined
 * leaves it as it is) and `result` what `update` resolves to.
 */
export interface FlowChange<T, R> {
  next?: T | null
  result: R
}

/**
 * The records flow control keeps per handler and key (window counters, key slots, debounce bursts), changed
 * atomically: in this process by default, in a JetStream KV bucket on a NATS cluster (`NatsStore.flowState`),
 * so limits and windows hold cluster-wide. `change` may run more than once (a compare-and-set retry): it must
 * only compute from `current`.
 *
 * @example
 * ```ts
 * const count = await state.update<number, number>('demo', (current) => ({ next: (current ?? 0) + 1, result: (current ?? 0) + 1 }))
 * ```
 */
export interface FlowState {
  /** True when other processes share these records (every change is a round trip). */
  readonly shared: boolean
  update<T, R>(key: string, change: (current: T | undefined) => FlowChange<T, R>): R | Promise<R>
}
