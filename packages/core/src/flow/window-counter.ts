import type { FlowState } from './flow-state.js'

/** What `WindowCounter.take` granted, and when the next window opens (epoch ms). */
export interface Taken {
  granted: number
  windowEnd: number
}

/** The starts counted in one fixed window of a handler and key: `w` is `floor(now / periodMs)`. */
interface WindowRecord {
  w: number
  n: number
}

/**
 * A fixed-window counter in a `FlowState` (throttle and rate limit): `take` grants up to `want` of the `limit`
 * starts of the current `periodMs` window, so no window ever counts more than `limit` across every process
 * sharing the state. Windows are aligned to the epoch, so nodes agree on them as far as their clocks agree.
 *
 * @example
 * ```ts
 * const counter = new WindowCounter(state, 'throttle/charge_card', 100, 60_000)
 * const { granted, windowEnd } = await counter.take('customer-1', 1)
 * ```
 */
export class WindowCounter {
  readonly #state: FlowState
  readonly #prefix: string
  readonly #limit: number
  readonly #periodMs: number

  constructor(state: FlowState, prefix: string, limit: number, periodMs: number) {
    this.#state = state
    this.#prefix = prefix
    this.#limit = limit
    this.#periodMs = periodMs
  }

  /**
   * Takes up to `want` starts for `key` now; `windowEnd` is when the next window opens (epoch ms). Synchronous
   * on a synchronous state.
   */
  take(key: string, want: number): Taken | Promise<Taken> {
    const w = Math.floor(Date.now() / this.#periodMs)
    const windowEnd = (w + 1) * this.#periodMs
    const limit = this.#limit
    const granted = this.#state.update<WindowRecord, number>(`${this.#prefix}/${key}`, (current) => {
      const used = current?.w === w ? current.n : 0
      const grant = Math.min(want, limit - used)
      return grant <= 0 ? { result: 0 } : { next: { w, n: used + grant }, result: grant }
    })
    return granted instanceof Promise
      ? granted.then((n) => ({ granted: n, windowEnd }))
      : { granted, windowEnd }
  }
}
