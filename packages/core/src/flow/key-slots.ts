import type { FlowState } from './flow-state.js'

/** The holders of one key's slots: holder id -> lease end (epoch ms). */
type SlotsRecord = Record<string, number>

/**
 * Keyed concurrency slots in a `FlowState`: at most `limit` holders per key across every process sharing the
 * state. A holder's slot is a lease, so a process that dies holding one frees it when the lease ends.
 *
 * @example
 * ```ts
 * const slots = new KeySlots(state, 'concurrency/charge_card', 1)
 * if (await slots.acquire('customer-1', event.id, 60_000)) await slots.release('customer-1', event.id)
 * ```
 */
export class KeySlots {
  readonly #state: FlowState
  readonly #prefix: string
  readonly #limit: number

  constructor(state: FlowState, prefix: string, limit: number) {
    this.#state = state
    this.#prefix = prefix
    this.#limit = limit
  }

  /** Takes a slot of `key` for `holder` until `leaseMs` from now; false when the key has none free. */
  acquire(key: string, holder: string, leaseMs: number): boolean | Promise<boolean> {
    const now = Date.now()
    const limit = this.#limit
    return this.#state.update<SlotsRecord, boolean>(`${this.#prefix}/${key}`, (current) => {
      const live: SlotsRecord = {}
      let count = 0
      for (const [id, until] of Object.entries(current ?? {}))
        if (until > now && id !== holder) {
          live[id] = until
          count++
        }
      if (count >= limit) return { result: false }
      live[holder] = now + leaseMs
      return { next: live, result: true }
    })
  }

  release(key: string, holder: string): void | Promise<void> {
    return this.#state.update<SlotsRecord, undefined>(`${this.#prefix}/${key}`, (current) => {
      if (current === undefined || !(holder in current)) return { result: undefined }
      const { [holder]: _, ...rest } = current
      return { next: Object.keys(rest).length === 0 ? null : rest, result: undefined }
    })
  }
}
