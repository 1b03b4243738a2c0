import { setTimeout as sleep } from 'node:timers/promises'
import type { Event } from '../event/event.js'
import type { FlowState } from './flow-state.js'
import type { ResolvedFlow } from './resolve-flow.js'

/** The burst of one handler and key: the latest event's id, when the burst began and when its latest event came. */
interface BurstRecord {
  l: string
  f: number
  t: number
}

type Verdict = 'run' | 'debounced' | number

/**
 * Debounce of one handler: each event becomes the latest of its key's burst in the `FlowState` and waits;
 * once `periodMs` passed since the burst's latest event (or `maxWaitMs` since its first), the event that is
 * still the latest runs and the burst ends, and every event another one replaced ends `debounced`. The burst
 * lives in the state, so on NATS the latest event wins whichever node holds it; an event replaced by one on
 * this node is told at once, one replaced elsewhere finds out when its own wait ends.
 *
 * @example
 * ```ts
 * if (await debouncer.settle(event, shutdown)) await run(event)
 * ```
 */
export class Debouncer {
  readonly #state: FlowState
  readonly #prefix: string
  readonly #periodMs: number
  readonly #maxWaitMs: number
  readonly #key: (event: Event) => string
  /** Events waiting here, by id: wakes one early (it was replaced). */
  #waiting = new Map<string, AbortController>()

  constructor(state: FlowState, handler: string, options: NonNullable<ResolvedFlow['debounce']>) {
    this.#state = state
    this.#prefix = `debounce/${handler}`
    this.#periodMs = options.periodMs
    this.#maxWaitMs = options.maxWaitMs
    const key = options.key
    this.#key = key === undefined ? () => '' : (event) => key.read(event)
  }

  /** Resolves true when `event` is the one to run, false when another replaced it; rejects when `shutdown` aborts. */
  async settle(event: Event, shutdown: AbortSignal): Promise<boolean> {
    const key = `${this.#prefix}/${this.#key(event)}`
    const id = event.id
    const now = Date.now()
    const burst = await this.#state.update<BurstRecord, BurstRecord | undefined>(key, (current) => ({
      next: { l: id, f: current?.f ?? now, t: now },
      result: current,
    }))
    if (burst !== undefined && burst.l !== id) this.#waiting.get(burst.l)?.abort()
    // A burst that began earlier is due no later than maxWaitMs after its first event, whoever is latest then.
    let due = Math.min(now + this.#periodMs, (burst?.f ?? now) + this.#maxWaitMs)
    const wake = new AbortController()
    this.#waiting.set(id, wake)
    try {
      for (;;) {
        await this.#sleep(due - Date.now(), wake.signal, shutdown)
        const verdict = await this.#decide(key, id)
        if (verdict === 'run') return true
        if (verdict === 'debounced') return false
        due = verdict
      }
    } finally {
      if (this.#waiting.get(id) === wake) this.#waiting.delete(id)
    }
  }

  /** Whether the event is still the latest and due (then the burst ends), replaced, or when it is due. */
  #decide(key: string, id: string): Verdict | Promise<Verdict> {
    const now = Date.now()
    return this.#state.update<BurstRecord, Verdict>(key, (current) => {
      if (current?.l !== id) return { result: 'debounced' }
      const due = Math.min(current.t + this.#periodMs, current.f + this.#maxWaitMs)
      return due > now ? { result: due } : { next: null, result: 'run' }
    })
  }

  /** Waits `ms`, less when `wake` aborts; rejects with the reason when `shutdown` aborts. */
  async #sleep(ms: number, wake: AbortSignal, shutdown: AbortSignal): Promise<void> {
    if (wake.aborted) return
    if (shutdown.aborted) throw shutdown.reason
    try {
      await sleep(Math.max(0, ms), undefined, { signal: AbortSignal.any([wake, shutdown]) })
    } catch (error) {
      if (shutdown.aborted) throw shutdown.reason
      if (!wake.aborted) throw error
    }
  }
}
