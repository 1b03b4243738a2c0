/** What a `DeadlineList` tracks: an attempt with a timeout, linked into the lane of its timeout length. */
export interface Deadlined {
  readonly timeoutMs: number
  /** The tick of its `DeadlineList` at which it times out. */
  deadline: number
  prev: Deadlined | undefined
  next: Deadlined | undefined
  /** The lane (or `DeadlineGroup`) it is linked into, while it is tracked. */
  lane: DeadlineLane | undefined
  /** Called once when its deadline passes (no reason), or with the reason when `expireAll` ends it early. */
  expire(reason?: Error): void
}

/** Where a tracked item is linked: the lane of its timeout length, or a `DeadlineGroup`. */
export interface DeadlineLane {
  /** The group this is, when it is one. */
  readonly group: DeadlineGroup | undefined
}

/** The tracked items of one timeout length, in deadline order (groups among them, each as one item). */
interface TimeoutLane extends DeadlineLane {
  head: Deadlined | undefined
  tail: Deadlined | undefined
  readonly timeoutMs: number
  /** Ticks from start to expiry. */
  readonly ticks: number
}

/** Length of one tick of the deadline clock; a timeout fires between one and two ticks after it is due. */
const TICK_MS = 10

/**
 * Attempts that started in the same tick with the same timeout (the handlers of one publish), tracked as ONE
 * item of their lane. A member is only counted and kept in an array, not linked: the group lives as long as
 * the publish, so starting and ending a member's clock touches no long-lived object (each write of a young
 * object into an old one is a write barrier and a remembered-set entry for the garbage collector), and ending
 * it is one decrement. The group leaves its lane once its last member is untracked, and expires the members
 * still tracked.
 *
 * @example
 * ```ts
 * const group = new DeadlineGroup()
 * for (const ctx of attempts) deadlines.trackIn(ctx, group)
 * ```
 */
export class DeadlineGroup implements Deadlined, DeadlineLane {
  /** Its members' timeout; set when its first member is tracked. */
  timeoutMs = 0
  deadline = 0
  prev: Deadlined | undefined = undefined
  next: Deadlined | undefined = undefined
  lane: DeadlineLane | undefined = undefined
  readonly group: DeadlineGroup = this
  /** The tick of its `DeadlineList` in which it was tracked: members join it only in that tick. */
  tick = -1
  /** Every member tracked in it; a member is still tracked while its `lane` is this group. */
  readonly members: Deadlined[] = []
  /** Members still tracked. */
  live = 0

  /** Expires every member still tracked. */
  expire(reason?: Error): void {
    for (const item of this.members) {
      if (item.lane !== this) continue
      item.lane = undefined
      this.live--
      item.expire(reason)
    }
  }
}

/**
 * Tracks the deadlines of every attempt in flight with one interval timer and no clock reads per attempt
 * (reading the clock costs more than a whole dispatch on some machines). Time is counted in ticks of the
 * interval: an attempt expires once `ceil(timeoutMs / tick) + 1` ticks have passed since it started, so never
 * early, at most two ticks late. Attempts are kept in one linked list per timeout length, so each list is in
 * deadline order: adding and removing are O(1) and a tick only looks at list heads. Attempts that start
 * together can share one place in a list (`trackIn` a `DeadlineGroup`).
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineList<AttemptContext>()
 * deadlines.track(ctx)    // ctx.expire() runs if still tracked after ctx.timeoutMs
 * deadlines.untrack(ctx)  // true: it finished in time
 * ```
 */
export class DeadlineList<T extends Deadlined = Deadlined> {
  #lanes = new Map<number, TimeoutLane>()
  /** The lane used last: most attempts in a row share their timeout, so this spares a map lookup. */
  #last: TimeoutLane | undefined
  #tick = 0
  /** Items in the lanes (a group counts once). */
  #tracked = 0
  #timer: ReturnType<typeof setInterval> | undefined

  /** Starts the clock of an attempt. */
  track(item: T | DeadlineGroup): void {
    let lane = this.#last
    if (lane?.timeoutMs !== item.timeoutMs) lane = this.#lane(item.timeoutMs)
    item.deadline = this.#tick + lane.ticks
    link(item, lane)
    if (this.#tracked++ === 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#advance(), TICK_MS)
      // The timer must not keep the process alive on its own: a handler still running holds its own resources.
      this.#timer.unref()
    }
  }

  /**
   * Starts the clock of an attempt as a member of `group`: the group takes the attempt's deadline with its first
   * member; an attempt whose timeout or start tick differs from the group's is tracked on its own.
   */
  trackIn(item: T, group: DeadlineGroup): void {
    // Kept small (the rest is `#trackFirstIn`) so that it is inlined where attempts start.
    if (group.lane !== undefined && group.tick === this.#tick && group.timeoutMs === item.timeoutMs)
      join(item, group)
    else this.#trackFirstIn(item, group)
  }

  /** `trackIn` of a group's first member (the group is tracked with it), or of an attempt that cannot join. */
  #trackFirstIn(item: T, group: DeadlineGroup): void {
    if (group.lane !== undefined) {
      this.track(item)
      return
    }
    group.timeoutMs = item.timeoutMs
    this.track(group)
    group.tick = this.#tick
    join(item, group)
  }

  /** Stops the clock; false when the attempt had already expired. */
  untrack(item: T): boolean {
    const lane = item.lane
    if (lane === undefined) return false
    const { group } = lane
    if (group === undefined) {
      unlink(item, lane as TimeoutLane)
      this.#tracked--
    } else {
      item.lane = undefined
      if (--group.live === 0 && group.lane !== undefined) {
        unlink(group, group.lane as TimeoutLane)
        this.#tracked--
      }
    }
    return true
  }

  /** Expires every attempt tracked now with `reason`, whatever its deadline (the bus is shutting down). */
  expireAll(reason: Error): void {
    for (const lane of this.#lanes.values()) {
      for (let item = lane.head; item !== undefined; item = lane.head) {
        unlink(item, lane)
        this.#tracked--
        item.expire(reason)
      }
    }
  }

  #lane(timeoutMs: number): TimeoutLane {
    let lane = this.#lanes.get(timeoutMs)
    if (lane === undefined) {
      const ticks = Math.ceil(timeoutMs / TICK_MS) + 1
      lane = { timeoutMs, ticks, head: undefined, tail: undefined, group: undefined }
      this.#lanes.set(timeoutMs, lane)
    }
    this.#last = lane
    return lane
  }

  #advance(): void {
    const tick = ++this.#tick
    for (const lane of this.#lanes.values()) {
      while (lane.head !== undefined && lane.head.deadline <= tick) {
        const item = lane.head
        unlink(item, lane)
        this.#tracked--
        item.expire()
      }
    }
    if (this.#tracked === 0) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}

function join(item: Deadlined, group: DeadlineGroup): void {
  item.deadline = group.deadline
  item.lane = group
  group.members.push(item)
  group.live++
}

function link(item: Deadlined, lane: TimeoutLane): void {
  item.lane = lane
  item.prev = lane.tail
  item.next = undefined
  if (lane.tail === undefined) lane.head = item
  else lane.tail.next = item
  lane.tail = item
}

function unlink(item: Deadlined, lane: TimeoutLane): void {
  if (item.prev === undefined) lane.head = item.next
  else item.prev.next = item.next
  if (item.next === undefined) lane.tail = item.prev
  else item.next.prev = item.prev
  item.prev = undefined
  item.next = undefined
  item.lane = undefined
}
