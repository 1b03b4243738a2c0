import type { Event } from '../event/event.js'
import type { FlowState } from './flow-state.js'
import type { GatedHandler } from './gated-handler.js'
import { KeySlots } from './key-slots.js'
import type { ResolvedFlow } from './resolve-flow.js'
import { type Taken, WindowCounter } from './window-counter.js'

/** How often a key whose slots another process holds is tried again (it cannot tell this process it released). */
const SHARED_POLL_MS = 100
/** Beyond its attempts' timeouts, how long a keyed slot outlives a process that died holding it. */
const SLOT_LEASE_MS = 60_000

interface Ticket {
  readonly rank: number
  readonly seq: number
  readonly throttleKey: string
  readonly slotKey: string | undefined
  readonly holder: string
  settled: boolean
  admit(release: () => void): void
  reject(reason: unknown): void
}

/**
 * The queue of one flow-controlled handler: deliveries wait here, highest `priority` first (then in arrival
 * order), and start when the handler has a free concurrency slot, a throttle start is left in the current
 * window of their key, and their key has a free keyed-concurrency slot. A delivery whose key is held back does
 * not hold back other keys. Throttle windows and key slots live in the `FlowState` (cluster-wide on NATS);
 * with a shared state, starts are taken a window's worth at a time so a busy handler does not pay a round trip
 * per start.
 *
 * @example
 * ```ts
 * const release = await admission.admit(event)
 * try { await run() } finally { release() }
 * ```
 */
export class Admission {
  readonly #entry: GatedHandler
  readonly #state: FlowState
  #flow: ResolvedFlow
  readonly #shared: boolean
  #throttle: WindowCounter | undefined
  #slots: KeySlots | undefined
  #waiting: Ticket[] = []
  #seq = 0
  #pumping = false
  #again = false
  /** Throttle starts taken from the state and not used yet, per key, valid until their window ends. */
  #tokens = new Map<string, { n: number; windowEnd: number }>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #timerAt = Number.POSITIVE_INFINITY
  #closed: unknown

  constructor(entry: GatedHandler, flow: ResolvedFlow, state: FlowState, shutdown: AbortSignal) {
    this.#entry = entry
    this.#state = state
    this.#flow = flow
    this.#shared = state.shared
    this.#limits(flow)
    shutdown.addEventListener('abort', () => this.#close(shutdown.reason), { once: true })
  }

  /**
   * Takes new throttle, keyed-concurrency and priority settings (config `handlers` reloaded). Their windows and
   * key slots stay in the state, so starts and slots already taken count against the new limits; deliveries
   * already waiting keep their rank and start under the new limits.
   */
  retune(flow: ResolvedFlow): void {
    this.#flow = flow
    this.#limits(flow)
    this.#tokens.clear()
    this.#pump()
  }

  #limits({ throttle, keyedConcurrency }: ResolvedFlow): void {
    const name = this.#entry.name
    this.#throttle =
      throttle === undefined
        ? undefined
        : new WindowCounter(this.#state, `throttle/${name}`, throttle.limit, throttle.periodMs)
    this.#slots =
      keyedConcurrency === undefined
        ? undefined
        : new KeySlots(this.#state, `concurrency/${name}`, keyedConcurrency.limit)
  }

  /** Deliveries waiting to start. */
  get waiting(): number {
    return this.#waiting.length
  }

  /** Resolves to the function that gives back what the delivery took, once it may start; rejects at shutdown. */
  admit(event: Event): Promise<() => void> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed)
    const { throttle, keyedConcurrency, priority } = this.#flow
    const throttleKey = throttle?.key?.read(event) ?? ''
    const slotKey = keyedConcurrency?.key.read(event)
    if (this.#waiting.length === 0 && !this.#pumping && !this.#shared) {
      const release = this.#admitNow(throttleKey, slotKey, event.id)
      if (release !== undefined) return Promise.resolve(release)
    }
    return new Promise((admit, reject) => {
      const ticket: Ticket = {
        rank: priority === undefined ? 0 : (priority.values[priority.key.read(event)] ?? 0),
        seq: this.#seq++,
        throttleKey,
        slotKey,
        holder: event.id,
        settled: false,
        admit,
        reject,
      }
      this.#insert(ticket)
      this.#pump()
    })
  }

  /**
   * With nothing queued and the state in this process, takes the slot, key slot and throttle start at once
   * (synchronously) when all are free: what a delivery that waits for nothing pays. Undefined: queue it.
   */
  #admitNow(throttleKey: string, slotKey: string | undefined, holder: string): (() => void) | undefined {
    if (!this.#entry.tryAcquire()) return undefined
    let holdsSlot = false
    if (this.#slots !== undefined && slotKey !== undefined) {
      holdsSlot = this.#slots.acquire(slotKey, holder, this.#leaseMs()) as boolean
      if (!holdsSlot) {
        this.#entry.release()
        return undefined
      }
    }
    if (this.#throttle !== undefined && (this.#throttle.take(throttleKey, 1) as Taken).granted === 0) {
      this.#entry.release()
      if (holdsSlot) this.#slots!.release(slotKey!, holder)
      return undefined
    }
    return this.#release(slotKey, holder, holdsSlot)
  }

  #insert(ticket: Ticket): void {
    const waiting = this.#waiting
    let at = waiting.length
    while (at > 0 && waiting[at - 1]!.rank < ticket.rank) at--
    if (at === waiting.length) waiting.push(ticket)
    else waiting.splice(at, 0, ticket)
  }

  /** Starts what can start now; one pass at a time, another right after when something changed meanwhile. */
  #pump(): void {
    if (this.#waiting.length === 0) return
    if (this.#pumping) {
      this.#again = true
      return
    }
    this.#pumping = true
    void this.#passes()
  }

  async #passes(): Promise<void> {
    try {
      do {
        this.#again = false
        await this.#pass()
      } while (this.#again && this.#closed === undefined)
    } finally {
      this.#pumping = false
    }
  }

  async #pass(): Promise<void> {
    const blocked = new Set<string>()
    let wakeAt = Number.POSITIVE_INFINITY
    // One budget and no key slots: the first delivery held back holds back all after it.
    const keyed = this.#slots !== undefined || this.#flow.throttle?.key !== undefined
    for (let i = 0; i < this.#waiting.length && this.#closed === undefined; i++) {
      const ticket = this.#waiting[i]!
      if (ticket.settled) continue
      if (!this.#entry.tryAcquire()) break
      const throttleBlock = `t/${ticket.throttleKey}`
      const slotBlock = `k/${ticket.slotKey}`
      let admitted = false
      let holdsSlot = false
      try {
        if (blocked.has(throttleBlock) || blocked.has(slotBlock)) continue
        if (this.#slots !== undefined && ticket.slotKey !== undefined) {
          holdsSlot = await this.#slots.acquire(ticket.slotKey, ticket.holder, this.#leaseMs())
          if (!holdsSlot) {
            blocked.add(slotBlock)
            if (this.#shared) wakeAt = Math.min(wakeAt, Date.now() + SHARED_POLL_MS)
            continue
          }
        }
        if (this.#throttle !== undefined) {
          const windowEnd = await this.#token(ticket.throttleKey)
          if (windowEnd !== undefined) {
            blocked.add(throttleBlock)
            wakeAt = Math.min(wakeAt, windowEnd)
            continue
          }
        }
        if (ticket.settled) continue
        admitted = true
        ticket.settled = true
        ticket.admit(this.#release(ticket.slotKey, ticket.holder, holdsSlot))
      } catch (error) {
        // The shared state failed: the delivery fails as a store failure would, the others go on.
        ticket.settled = true
        ticket.reject(error)
      } finally {
        if (!admitted) {
          this.#entry.release()
          if (holdsSlot) await this.#slots!.release(ticket.slotKey!, ticket.holder)
        }
      }
      if (!admitted && !keyed) break
    }
    this.#waiting = this.#waiting.filter((ticket) => !ticket.settled)
    if (this.#waiting.length > 0 && wakeAt < Number.POSITIVE_INFINITY) this.#wakeAt(wakeAt)
  }

  /** Takes one throttle start for `key`: undefined when taken, else when the next window opens. */
  async #token(key: string): Promise<number | undefined> {
    const now = Date.now()
    const cached = this.#tokens.get(key)
    if (cached !== undefined && cached.n > 0 && now < cached.windowEnd) {
      cached.n--
      return undefined
    }
    const want = this.#shared ? Math.min(this.#flow.throttle!.limit, this.#waiting.length) : 1
    const { granted, windowEnd } = await this.#throttle!.take(key, want)
    if (granted === 0) {
      this.#tokens.delete(key)
      return windowEnd
    }
    if (granted > 1) this.#tokens.set(key, { n: granted - 1, windowEnd })
    else this.#tokens.delete(key)
    return undefined
  }

  #release(slotKey: string | undefined, holder: string, holdsSlot: boolean): () => void {
    let done = false
    return () => {
      if (done) return
      done = true
      this.#entry.release()
      if (!holdsSlot) return this.#pump()
      const released = this.#slots!.release(slotKey!, holder)
      if (released instanceof Promise)
        void released.then(
          () => this.#pump(),
          () => this.#pump(),
        )
      else this.#pump()
    }
  }

  #leaseMs(): number {
    const { timeoutMs, retry } = this.#entry.policy
    return SLOT_LEASE_MS + timeoutMs * retry.attempts * 2 + retry.maxMs * retry.attempts
  }

  #wakeAt(at: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return
    clearTimeout(this.#timer)
    this.#timerAt = at
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined
        this.#timerAt = Number.POSITIVE_INFINITY
        this.#pump()
      },
      Math.max(0, at - Date.now()) + 1,
    )
  }

  #close(reason: unknown): void {
    this.#closed = reason
    clearTimeout(this.#timer)
    for (const ticket of this.#waiting.splice(0)) if (!ticket.settled) ticket.reject(reason)
  }
}
