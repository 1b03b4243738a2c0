/** What a `DeadlineList` tracks: an attempt with a timeout, linked into the lane of its timeout length. */
export interface Deadlined<T extends Deadlined<T>> {
  readonly timeoutMs: number
  /** The tick of its `DeadlineList` at which it times out. */
  deadline: number
  prev: T | undefined
  next: T | undefined
  /** The lane it is linked into, while it is tracked. */
  lane: DeadlineLane<T> | undefined
  /** Called once when its deadline passes (no reason), or with the reason when `expireAll` ends it early. */
  expire(reason?: Error): void
}

/** The tracked items of one timeout length, in deadline order. */
export interface DeadlineLane<T> {
  readonly timeoutMs: number
  /** Ticks from start to expiry. */
  readonly ticks: number
  head: T | undefined
  tail: T | undefined
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
 * const deadlines = new DeadlineList<AttemptContext>()
 * deadlines.track(ctx)    // ctx.expire() runs if still tracked after ctx.timeoutMs
 * deadlines.untrack(ctx)  // true: it finished in time
 * ```
 */
export class DeadlineList<T extends Deadlined<T>> {
  #lanes = new Map<number, DeadlineLane<T>>()
  /** The lane used last: most attempts in a row share their timeout, so this spares a map lookup. */
  #last: DeadlineLane<T> | undefined
  #tick = 0
  #tracked = 0
  #timer: ReturnType<typeof setInterval> | undefined

  /** Starts the clock of an attempt. */
  track(item: T): void {
    let lane = this.#last
    if (lane?.timeoutMs !== item.timeoutMs) lane = this.#lane(item.timeoutMs)
    item.deadline = this.#tick + lane.ticks
    item.lane = lane
    item.prev = lane.tail
    item.next = undefined
    if (lane.tail === undefined) lane.head = item
    else lane.tail.next = item
    lane.tail = item
    if (this.#tracked++ === 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#advance(), TICK_MS)
      // The timer must not keep the process alive on its own: a handler still running holds its own resources.
      this.#timer.unref()
    }
  }

  /** Stops the clock; false when the attempt had already expired. */
  untrack(item: T): boolean {
    if (item.lane === undefined) return false
    this.#unlink(item, item.lane)
    return true
  }

  /** Expires every attempt tracked now with `reason`, whatever its deadline (the bus is shutting down). */
  expireAll(reason: Error): void {
    for (const lane of this.#lanes.values()) {
      for (let item = lane.head; item !== undefined; item = lane.head) {
        this.#unlink(item, lane)
        item.expire(reason)
      }
    }
  }

  #lane(timeoutMs: number): DeadlineLane<T> {
    let lane = this.#lanes.get(timeoutMs)
    if (lane === undefined) {
      lane = { timeoutMs, ticks: Math.ceil(timeoutMs / TICK_MS) + 1, head: undefined, tail: undefined }
      this.#lanes.set(timeoutMs, lane)
    }
    this.#last = lane
    return lane
  }

  #unlink(item: T, lane: DeadlineLane<T>): void {
    if (item.prev === undefined) lane.head = item.next
    else item.prev.next = item.next
    if (item.next === undefined) lane.tail = item.prev
    else item.next.prev = item.prev
    item.prev = undefined
    item.next = undefined
    item.lane = undefined
    this.#tracked--
  }

  #advance(): void {
    const tick = ++this.#tick
    for (const lane of this.#lanes.values()) {
      while (lane.head !== undefined && lane.head.deadline <= tick) {
        const item = lane.head
        this.#unlink(item, lane)
        item.expire()
      }
    }
    if (this.#tracked === 0) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}
