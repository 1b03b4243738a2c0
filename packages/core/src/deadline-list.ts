import type { AttemptContext } from './attempt-context.js'
import { HandlerTimeoutError } from './errors.js'

interface Lane {
  head: AttemptContext | undefined
  tail: AttemptContext | undefined
}

/**
 * Tracks the deadlines of every attempt in flight with one timer instead of one `setTimeout` per attempt.
 * Attempts are kept in one linked list per timeout length, so each list is in deadline order: adding and
 * removing are O(1) and the timer only ever looks at list heads.
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineList()
 * deadlines.track(ctx)    // ctx.expire(...) runs if still tracked after ctx.timeoutMs
 * deadlines.untrack(ctx)  // true: it finished in time
 * ```
 */
export class DeadlineList {
  #lanes = new Map<number, Lane>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #due = Number.POSITIVE_INFINITY

  /** Starts the clock of an attempt. */
  track(ctx: AttemptContext): void {
    let lane = this.#lanes.get(ctx.timeoutMs)
    if (lane === undefined) {
      lane = { head: undefined, tail: undefined }
      this.#lanes.set(ctx.timeoutMs, lane)
    }
    ctx.deadline = performance.now() + ctx.timeoutMs
    ctx.tracked = true
    ctx.prev = lane.tail
    ctx.next = undefined
    if (lane.tail === undefined) lane.head = ctx
    else lane.tail.next = ctx
    lane.tail = ctx
    if (ctx.deadline < this.#due) this.#arm(ctx.deadline)
  }

  /** Stops the clock; false when the attempt had already expired. */
  untrack(ctx: AttemptContext): boolean {
    if (!ctx.tracked) return false
    this.#unlink(ctx)
    return true
  }

  #unlink(ctx: AttemptContext): void {
    const lane = this.#lanes.get(ctx.timeoutMs)!
    if (ctx.prev === undefined) lane.head = ctx.next
    else ctx.prev.next = ctx.next
    if (ctx.next === undefined) lane.tail = ctx.prev
    else ctx.next.prev = ctx.prev
    ctx.prev = undefined
    ctx.next = undefined
    ctx.tracked = false
  }

  #arm(at: number): void {
    clearTimeout(this.#timer)
    this.#due = at
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - performance.now()))
    // The timer must not keep the process alive on its own: a handler still running holds its own resources.
    this.#timer.unref()
  }

  #fire(): void {
    this.#timer = undefined
    this.#due = Number.POSITIVE_INFINITY
    const now = performance.now()
    let next = Number.POSITIVE_INFINITY
    for (const lane of this.#lanes.values()) {
      while (lane.head !== undefined && lane.head.deadline <= now) {
        const ctx = lane.head
        this.#unlink(ctx)
        ctx.expire(new HandlerTimeoutError(ctx, ctx.timeoutMs))
      }
      if (lane.head !== undefined) next = Math.min(next, lane.head.deadline)
    }
    if (next !== Number.POSITIVE_INFINITY && next < this.#due) this.#arm(next)
  }
}
