import type { FlowChange, FlowState } from './flow-state.js'

/**
 * `FlowState` in a Map of this process: synchronous, for a bus whose deliveries all run here (the in-process
 * transport, or any transport without a shared store).
 *
 * @example
 * ```ts
 * const state = new MemoryFlowState()
 * state.update('k', () => ({ next: 1, result: true })) // true
 * ```
 */
export class MemoryFlowState implements FlowState {
  readonly shared = false
  #records = new Map<string, unknown>()

  update<T, R>(key: string, change: (current: T | undefined) => FlowChange<T, R>): R {
    const { next, result } = change(this.#records.get(key) as T | undefined)
    if (next === null) this.#records.delete(key)
    else if (next !== undefined) this.#records.set(key, next)
    return result
  }
}
