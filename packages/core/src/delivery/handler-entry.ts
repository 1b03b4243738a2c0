import type { Event } from '../event/event.js'
import type { FlowGate } from '../flow/flow-gate.js'
import type { FlowOptions } from '../flow/flow-options.js'
import type { DeliveryPolicy, Handler } from './delivery.js'
import type { DeliveryPolicyOverrides } from './delivery-policy.js'
import { Fifo } from './fifo.js'
import type { HandlerSlot } from './handler-slot.js'
import { KeyClaims } from './key-claims.js'

/** What the bus knows of one subscription. */
export interface HandlerSpec {
  slot: HandlerSlot<HandlerEntry>
  name: string
  pattern: string
  owner: string | undefined
  handler: Handler
  /** What the subscription itself set; the rest of `policy` comes from the bus defaults. */
  overrides: DeliveryPolicyOverrides
  policy: DeliveryPolicy
  filter: ((event: Event) => boolean) | undefined
  /** The flow options the subscription itself set, before config `handlers` is laid over them. */
  flowOptions: FlowOptions
}

/**
 * One subscribed handler and the gates its deliveries pass: the in-flight count (for drain and hold), a
 * concurrency limit, and one chain per orderingKey so events with the same key reach it one at a time.
 *
 * @example
 * ```ts
 * const entry = new HandlerEntry(spec)
 * const wait = entry.acquire() // undefined when a slot is free now
 * entry.release()
 * ```
 */
export class HandlerEntry implements HandlerSpec {
  readonly slot: HandlerSlot<HandlerEntry>
  readonly name: string
  readonly pattern: string
  readonly owner: string | undefined
  readonly handler: Handler
  /** Replaced when config `handlers` changes a number `concurrency` (`EventBus.setFlowOverrides`). */
  overrides: DeliveryPolicyOverrides
  readonly flowOptions: FlowOptions
  /** Replaced when the bus defaults change (`EventBus.setDefaults`); each attempt reads the current one. */
  policy: DeliveryPolicy
  readonly filter: ((event: Event) => boolean) | undefined
  /**
   * The handler's flow control (throttle, rate limit, debounce, batch, keyed concurrency, priority), set when it
   * has any: its deliveries then wait in the gate's queue instead of the concurrency queue here. Replaced when
   * config `handlers` changes; a delivery keeps the gate it entered.
   */
  flow: FlowGate | undefined = undefined
  /** Deliveries begun and not finished (waiting in a gate or running). */
  inFlight = 0
  #active = 0
  // The queues below are made on first use: most handlers never wait for a slot, an orderingKey or idle, and a
  // bus may hold 100,000 subscriptions whose every object the GC marks.
  #waiting: Fifo<() => void> | undefined = undefined
  #chains: Map<string, Promise<void>> | undefined = undefined
  #idle: (() => void)[] | undefined = undefined
  /** Idempotency keys being delivered now. */
  #claims: KeyClaims | undefined = undefined

  constructor(spec: HandlerSpec) {
    this.slot = spec.slot
    this.name = spec.name
    this.pattern = spec.pattern
    this.owner = spec.owner
    this.handler = spec.handler
    this.overrides = spec.overrides
    this.policy = spec.policy
    this.filter = spec.filter
    this.flowOptions = spec.flowOptions
  }

  begin(): void {
    this.inFlight++
  }

  end(): void {
    if (--this.inFlight === 0 && this.#idle !== undefined) {
      const idle = this.#idle
      this.#idle = undefined
      for (const resolve of idle) resolve()
    }
  }

  /** Resolves once nothing is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve()
    this.#idle ??= []
    const idle = this.#idle
    return new Promise((resolve) => idle.push(resolve))
  }

  /** Takes a free concurrency slot if there is one. */
  tryAcquire(): boolean {
    if (this.#active >= this.policy.concurrency) return false
    this.#active++
    return true
  }

  /** Takes a concurrency slot: undefined when one was free, else a promise of the slot. */
  acquire(): Promise<void> | undefined {
    if (this.tryAcquire()) return undefined
    this.#waiting ??= new Fifo()
    const waiting = this.#waiting
    return new Promise((resolve) => waiting.push(resolve))
  }

  /** Gives the slot to the next waiter, or frees it (when the limit was lowered meanwhile, frees it). */
  release(): void {
    const next = this.#active > this.policy.concurrency ? undefined : this.#waiting?.shift()
    if (next === undefined) this.#active--
    else next()
  }

  /** Takes a new policy; a raised concurrency limit lets waiting deliveries in at once. */
  setPolicy(policy: DeliveryPolicy): void {
    this.policy = policy
    const waiting = this.#waiting
    while (waiting !== undefined && this.#active < policy.concurrency && waiting.length > 0) {
      this.#active++
      waiting.shift()!()
    }
  }

  /**
   * Joins the chain of `orderingKey`: `previous` settles when the delivery before this one is done (undefined
   * when there is none); call `done` when this one is. Must be called in publish order, before any await.
   */
  takeTurn(orderingKey: string): { previous: Promise<void> | undefined; done: () => void } {
    this.#chains ??= new Map()
    const chains = this.#chains
    const previous = chains.get(orderingKey)
    let done!: () => void
    const mine = new Promise<void>((resolve) => {
      done = () => {
        if (chains.get(orderingKey) === mine) chains.delete(orderingKey)
        resolve()
      }
    })
    chains.set(orderingKey, mine)
    return { previous, done }
  }

  /**
   * Claims an idempotency key for one delivery: false when another delivery of the key is in flight (wait with
   * `keyReleased`, then claim again), so a concurrent duplicate waits for the first one's result.
   */
  claimKey(key: string): boolean {
    this.#claims ??= new KeyClaims()
    return this.#claims.claim(key)
  }

  /** Resolves when the delivery holding `key` releases it. Call only after `claimKey` returned false. */
  keyReleased(key: string): Promise<void> {
    return this.#claims!.released(key)
  }

  releaseKey(key: string): void {
    this.#claims?.release(key)
  }
}
