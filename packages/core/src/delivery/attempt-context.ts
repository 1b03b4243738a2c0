import type { Event } from '../event/event.js'
import type { RunMode, RunResult, RunSink } from './attempt-runner.js'
import type { DeadlineLane } from './deadline-list.js'
import type { HandlerContext } from './delivery.js'
import type { HandlerEntry } from './handler-entry.js'

/**
 * One attempt of a delivery: the `HandlerContext` the handler gets, its node in a `DeadlineList`, and where its
 * result goes when the handler settles later (a sink slot or a promise). Keeping all of it in one object is
 * what lets an async attempt cost no closure besides its two promise callbacks. The AbortSignal is created
 * only when the handler reads it, so handlers that ignore it cost no AbortController.
 *
 * @example
 * ```ts
 * const ctx = new AttemptContext(entry, event, 1, performance.now(), mode)
 * ctx.signal.aborted // false
 * ```
 */
export class AttemptContext implements HandlerContext {
  readonly attempt: number
  readonly timeoutMs: number
  readonly entry: HandlerEntry
  readonly event: Event
  /** Clock reading when the delivery (not this attempt) began. */
  readonly start: number
  readonly mode: RunMode
  /** The tick of its `DeadlineList` at which the attempt times out. */
  deadline = 0
  prev: AttemptContext | undefined = undefined
  next: AttemptContext | undefined = undefined
  /** The deadline lane the attempt is linked into, while it is tracked. */
  lane: DeadlineLane | undefined = undefined
  /** Called once with the reason when the deadline passes (or the bus shuts down) before the handler settles. */
  onExpire: ((ctx: AttemptContext, reason: Error) => void) | undefined = undefined
  /** Where a result known only later goes: `sink.put(index, result)`, else `resolve(result)`. */
  sink: RunSink | undefined = undefined
  index = 0
  resolve: ((result: RunResult) => void) | undefined = undefined
  /** The AbortController once the handler read `signal`; before that, the reason if the attempt expired. */
  #abort: AbortController | Error | undefined

  constructor(entry: HandlerEntry, event: Event, attempt: number, start: number, mode: RunMode) {
    this.attempt = attempt
    this.timeoutMs = entry.policy.timeoutMs
    this.entry = entry
    this.event = event
    this.start = start
    this.mode = mode
  }

  get handler(): string {
    return this.entry.name
  }

  get eventId(): string {
    return this.event.id
  }

  get signal(): AbortSignal {
    if (!(this.#abort instanceof AbortController)) {
      const reason = this.#abort
      this.#abort = new AbortController()
      if (reason !== undefined) this.#abort.abort(reason)
    }
    return this.#abort.signal
  }

  /** Aborts the signal (if one was handed out) and reports the reason: a timeout, or the bus shutting down. */
  expire(reason: Error): void {
    if (this.#abort instanceof AbortController) this.#abort.abort(reason)
    else this.#abort = reason
    this.onExpire?.(this, reason)
  }
}
