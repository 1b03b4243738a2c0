import { HandlerTimeoutError } from '../errors.js'
import type { AttemptContext } from './attempt-context.js'

/** The attempts of one timeout length, in deadline order. */
export interface DeadlineLane {
  readonly timeoutMs: number
  /** Ticks from start to expiry. */
  readonly ticks: number
  head: AttemptContext | undefined
  tail: AttemptContext | undefined
}

/** Length of one tick of the deadline clock; a timeout fires between one and two ticks after it is due. */
const TICK_MS = 10

/**
 * Tracks the deadlines of every attempt in flight with one interval timer and no clock reads per attempt
 * (reading the clock costs more than a whole dispatch on some machines). Time is counted in ticks of the
 * interval: an attempt expires once `ceil(timeoutMs / tick) + 1` ticks have passed since it started, so never
 * early, at most two ticks late. Attempts are kept in one linked list per timeout length, so each list is in
 * deadline order: adding and removing are O(1) and a tick only looks at list heads.
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineList()
 * deadlines.track(ctx)    // ctx.expire(...) runs if still tracked after ctx.timeoutMs
 * deadlines.untrack(ctx)  // true: it finished in time
 * ```
 */
export class DeadlineList {
  #lanes = new Map<number, DeadlineLane>()
  /** The lane used last: most attempts in a row share their timeout, so this spares a map lookup. */
  #last: DeadlineLane | undefined
  #tick = 0
  #tracked = 0
  #timer: ReturnType<typeof setInterval> | undefined

  /** Starts the clock of an attempt. */
  track(ctx: AttemptContext): void {
    let lane = this.#last
    if (lane?.timeoutMs !== ctx.timeoutMs) lane = this.#lane(ctx.timeoutMs)
    ctx.deadline = this.#tick + lane.ticks
    ctx.lane = lane
    ctx.prev = lane.tail
    ctx.next = undefined
    if (lane.tail === undefined) lane.head = ctx
    else lane.tail.next = ctx
    lane.tail = ctx
    if (this.#tracked++ === 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#advance(), TICK_MS)
      // The timer must not keep the process alive on its own: a handler still running holds its own resources.
      this.#timer.unref()
    }
  }

  /** Stops the clock; false when the attempt had already expired. */
  untrack(ctx: AttemptContext): boolean {
    if (ctx.lane === undefined) return false
    this.#unlink(ctx, ctx.lane)
    return true
  }

  #lane(timeoutMs: number): DeadlineLane {
    let lane = this.#lanes.get(timeoutMs)
    if (lane === undefined) {
      lane = { timeoutMs, ticks: Math.ceil(timeoutMs / TICK_MS) + 1, head: undefined, tail: undefined }
      this.#lanes.set(timeoutMs, lane)
    }
    this.#last = lane
    return lane
  }

  #unlink(ctx: AttemptContext, lane: DeadlineLane): void {
    if (ctx.prev === undefined) lane.head = ctx.next
    else ctx.prev.next = ctx.next
    if (ctx.next === undefined) lane.tail = ctx.prev
    else ctx.next.prev = ctx.prev
    ctx.prev = undefined
    ctx.next = undefined
    ctx.lane = undefined
    this.#tracked--
  }

  /** Expires every attempt tracked now with `reason`, whatever its deadline (the bus is shutting down). */
  expireAll(reason: Error): void {
    for (const lane of this.#lanes.values()) {
      for (let ctx = lane.head; ctx !== undefined; ctx = lane.head) {
        this.#unlink(ctx, lane)
        ctx.expire(reason)
      }
    }
  }

  #advance(): void {
    const tick = ++this.#tick
    for (const lane of this.#lanes.values()) {
      while (lane.head !== undefined && lane.head.deadline <= tick) {
        const ctx = lane.head
        this.#unlink(ctx, lane)
        ctx.expire(new HandlerTimeoutError(ctx, ctx.timeoutMs))
      }
    }
    if (this.#tracked === 0) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}
