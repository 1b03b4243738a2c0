import type { Span } from '@opentelemetry/api'
import { HandlerTimeoutError } from '../errors.js'
import type { Event } from '../event/event.js'
import type { BatchRun } from '../flow/batcher.js'
import { formatTraceparent } from '../telemetry/traceparent.js'
import type { AttemptResult } from './attempt-result.js'
import type { Deadlined, DeadlineLane } from './deadline-list.js'
import type { HandlerContext } from './delivery.js'
import type { DeliveryMode } from './delivery-mode.js'
import type { HandlerEntry } from './handler-entry.js'
import type { OutcomeSink } from './outcome-collector.js'

/** What an async attempt reports to while its handler runs (its `AttemptRunner`). */
export interface AttemptWatcher {
  /** Called once with the reason when the deadline passes (or the bus shuts down) before the handler settles. */
  expired(ctx: AttemptContext, reason: Error): void
  /** Ends the attempt now as failed with `error`; false when it had already ended. */
  faulted(ctx: AttemptContext, error: Error): boolean
}

/**
 * One attempt of a delivery: the `HandlerContext` the handler gets, its node in a `DeadlineList`, and where the
 * delivery's result goes when the handler settles later (a sink slot or a promise). Keeping all of it in one
 * object is what lets an async attempt cost no closure (its promise reactions are shared functions bound to it). The AbortSignal is
 * created only when the handler reads it, so handlers that ignore it cost no AbortController.
 *
 * @example
 * ```ts
 * const ctx = new AttemptContext(entry, event, 1, performance.now(), { from: 'replay' })
 * ctx.signal.aborted // false
 * ```
 */
export class AttemptContext implements HandlerContext, Deadlined {
  readonly attempt: number
  readonly timeoutMs: number
  readonly entry: HandlerEntry
  readonly event: Event
  /** Clock reading when the delivery (not this attempt) began. */
  readonly start: number
  /**
   * Clock reading when this attempt began, which its deadline counts from: `start` for the first attempt (for
   * a publish, the one reading of the publish), a fresh one for a retry.
   */
  readonly begun: number
  readonly mode: DeliveryMode
  deadline = 0
  prev: Deadlined | undefined = undefined
  next: Deadlined | undefined = undefined
  lane: DeadlineLane | undefined = undefined
  /** Set by the runner while an async attempt runs: hears of its expiry and of `fail`. */
  watcher: AttemptWatcher | undefined = undefined
  /** Where a delivery result known only later goes: `sink.put(index, outcome)`, else `resolve(result)`. */
  sink: OutcomeSink | undefined = undefined
  index = 0
  resolve: ((result: AttemptResult) => void) | undefined = undefined
  /** The batch this delivery runs for a handler with `batch` on: the handler receives its events. */
  batch: BatchRun | undefined = undefined
  /** The attempt's `process` span, on a bus with tracing on. */
  span: Span | undefined = undefined
  /** The AbortController once the handler read `signal`; before that, the reason if the attempt expired. */
  #abort: AbortController | Error | undefined
  /** What `onExpire` asked to be told of an expiry. */
  #onExpire: ((reason: Error) => void) | undefined

  constructor(
    entry: HandlerEntry,
    event: Event,
    attempt: number,
    start: number,
    mode: DeliveryMode,
    begun = start,
  ) {
    this.attempt = attempt
    this.begun = begun
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

  get traceparent(): string | undefined {
    return this.span === undefined ? undefined : formatTraceparent(this.span.spanContext())
  }

  /**
   * Calls `listener` with the reason when the attempt expires, as an abort listener on `signal` would be, without
   * the AbortController and EventTarget listener that reading `signal` costs: for a host that hands every attempt
   * on (to a plugin sandbox) and must tell it when one is abandoned. See `onAttemptExpired`.
   */
  onExpire(listener: (reason: Error) => void): void {
    const before = this.#onExpire
    this.#onExpire =
      before === undefined
        ? listener
        : (reason) => {
            before(reason)
            listener(reason)
          }
  }

  fail(error: Error): boolean {
    return this.watcher?.faulted(this, error) ?? false
  }

  /**
   * Aborts the signal (if one was handed out) and reports the reason: the bus shutting down, or by default
   * that the deadline passed.
   */
  expire(reason: Error = new HandlerTimeoutError(this, this.timeoutMs)): void {
    if (this.#abort instanceof AbortController) this.#abort.abort(reason)
    else this.#abort = reason
    this.#onExpire?.(reason)
    this.watcher?.expired(this, reason)
  }
}
