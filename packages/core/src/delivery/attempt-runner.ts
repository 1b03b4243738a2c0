import { performance } from 'node:perf_hooks'
import { DeliveryNotRunError, HandlerExecutionError, HandlerTimeoutError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { AttemptContext, AttemptWatcher } from './attempt-context.js'
import type { AttemptResult } from './attempt-result.js'
import { burstNow } from './burst-clock.js'
import type { DeadlineList } from './deadline-list.js'
import type { DeliveryOutcome } from './delivery.js'
import { toDeliveryError } from './delivery-error.js'
import { retryDelay } from './delivery-policy.js'
import { roundDuration } from './round-duration.js'

/** What running an attempt needs from its bus. */
export interface RunnerDeps {
  logger: Logger
  deadlines: DeadlineList<AttemptContext>
  /** Aborted when the bus shuts down: no new attempt starts, in-flight ones end. */
  shutdown: AbortSignal
}

/** Receives the result of an attempt whose handler settled after `run` returned. */
export type AttemptSettled = (ctx: AttemptContext, result: AttemptResult) => void

// The reactions to an async handler's promise (set in `AttemptRunner`'s static block): shared by every attempt
// and bound to it (`this`), because a closure per attempt costs a context object and, at its first call, a pass
// through V8's lazy-compile stub.
let fulfilled: (this: AttemptContext) => void
let rejected: (this: AttemptContext, error: unknown) => void

/**
 * Runs ONE attempt of a delivery: calls the handler under its timeout (one shared `DeadlineList`, a lazily
 * created AbortSignal) and decides what the attempt means: `succeeded`, a `Retry` after the policy's backoff
 * while attempts are left, or the final `failed` / `timed_out` outcome. It writes nothing and waits for
 * nothing: recording, dead-lettering, waiting out retries and handing results on belong to the `Deliverer`.
 * A handler that returns after its deadline (one that blocked the event loop, so the timer could not fire)
 * fails as timed out. A handler that returns synchronously costs no promise and one clock read; an async one
 * costs its `AttemptContext` and two bound functions as reactions to its promise.
 *
 * @example
 * ```ts
 * const runner = new AttemptRunner({ logger, deadlines, shutdown }, (ctx, result) => later(ctx, result))
 * const result = runner.run(new AttemptContext(entry, event, 1, performance.now(), { from: 'replay' }))
 * // undefined: the handler is still running; its result goes to `later`
 * ```
 */
export class AttemptRunner implements AttemptWatcher {
  #deps: RunnerDeps
  #settled: AttemptSettled
  /**
   * `deps.shutdown.aborted`, kept as a field: every attempt checks it, and the signal's getter validates its
   * receiver on each read (about 30 instructions per attempt in a callgrind profile of publish to 10 handlers).
   */
  #stopping: boolean

  constructor(deps: RunnerDeps, settled: AttemptSettled) {
    this.#deps = deps
    this.#settled = settled
    this.#stopping = deps.shutdown.aborted
    deps.shutdown.addEventListener(
      'abort',
      () => {
        this.#stopping = true
      },
      { once: true },
    )
  }

  /** The attempt's deadline passed, or the bus shut down, before its handler settled. */
  expired(ctx: AttemptContext, reason: Error): void {
    this.#settled(ctx, this.#failed(ctx, reason))
  }

  /**
   * A fault charged to the attempt from outside (its host's fault guard): it ends now; its handler's late
   * result finds the attempt untracked and is ignored, as after a timeout.
   */
  faulted(ctx: AttemptContext, error: Error): boolean {
    if (!this.#deps.deadlines.untrack(ctx)) return false
    this.#settled(ctx, this.#failed(ctx, new HandlerExecutionError(ctx, error)))
    return true
  }

  static {
    // Defined here for the access to the runner's private members.
    fulfilled = function (this: AttemptContext): void {
      const runner = this.watcher as AttemptRunner
      // The handlers of one publish (a sink) often settle in the same run of the microtask queue: one clock
      // read. That reading was taken after this promise settled, so it never makes a late return look early.
      if (runner.#deps.deadlines.untrack(this))
        runner.#settled(
          this,
          runner.#returned(this, this.sink === undefined ? performance.now() : burstNow()),
        )
    }
    rejected = function (this: AttemptContext, error: unknown): void {
      const runner = this.watcher as AttemptRunner
      if (runner.#deps.deadlines.untrack(this))
        runner.#settled(this, runner.#threw(this, error, performance.now()))
    }
  }

  /**
   * Runs the attempt `ctx`: its result when known now, else undefined and the result goes to `settled` when
   * the handler settles or its deadline passes. A bus shutting down fails the attempt before it starts.
   */
  run(ctx: AttemptContext): AttemptResult | undefined {
    const { deadlines } = this.#deps
    if (this.#stopping) return this.#failed(ctx, this.#deps.shutdown.reason as Error)
    let returned: unknown
    try {
      returned = ctx.entry.handler(ctx.event, ctx)
    } catch (error) {
      return this.#threw(ctx, error, performance.now())
    }
    // A handler that returned synchronously may have blocked the event loop for any time: a fresh reading.
    if (!isThenable(returned)) return this.#returned(ctx, performance.now())
    ctx.watcher = this
    // The first attempts of one publish's handlers start together: one place in the deadline lane for all.
    if (ctx.sink === undefined) deadlines.track(ctx)
    else deadlines.trackIn(ctx, ctx.sink.deadlines)
    returned.then(fulfilled.bind(ctx), rejected.bind(ctx))
    return undefined
  }

  /**
   * The result of a delivery the bus shutdown interrupted (in an attempt or waiting to retry): a transport
   * delivery is handed back for redelivery at once; any other ends `failed` with the shutdown as its error.
   */
  interrupted(ctx: AttemptContext): AttemptResult {
    const reason = this.#deps.shutdown.reason as Error
    if (ctx.mode.from === 'transport')
      return { retryAfterMs: 0, attempts: ctx.attempt, error: toDeliveryError(reason, ctx) }
    return this.#exhausted(ctx, reason)
  }

  /**
   * The attempt's handler returned at clock reading `now`: `succeeded`, unless that is past its deadline. The
   * deadline timer cannot fire while the event loop is blocked, so a handler that spun past its timeout
   * settles before the timer sees it: caught here, it fails as a timeout like one the timer caught.
   */
  #returned(ctx: AttemptContext, now: number): AttemptResult {
    if (now - ctx.begun > ctx.timeoutMs) return this.#late(ctx, now)
    return {
      handler: ctx.entry.name,
      status: 'succeeded',
      attempts: ctx.attempt,
      durationMs: roundDuration(now - ctx.start),
    }
  }

  /** The handler threw or rejected at `now`; past its deadline that is a timeout (as if the timer had fired). */
  #threw(ctx: AttemptContext, error: unknown, now: number): AttemptResult {
    if (error instanceof DeliveryNotRunError) return this.#notRun(ctx, error, now)
    if (now - ctx.begun > ctx.timeoutMs) return this.#late(ctx, now)
    return this.#failed(ctx, new HandlerExecutionError(ctx, error))
  }

  /**
   * The handler's stand-in said the plugin's handler did not run (its filter, evaluated where the plugin runs,
   * rejected the event or threw): the delivery ends as it would have at dispatch in-process, `unrouted` or
   * `failed` with `E_FILTER`, without retries and without counting this attempt.
   */
  #notRun(ctx: AttemptContext, error: DeliveryNotRunError, now: number): DeliveryOutcome {
    const attempts = ctx.attempt - 1
    return {
      handler: ctx.entry.name,
      status: error.code === 'E_UNROUTED' ? 'unrouted' : 'failed',
      attempts,
      durationMs: roundDuration(now - ctx.start),
      error: toDeliveryError(error, { handler: ctx.entry.name, eventId: ctx.event.id, attempt: attempts }),
    }
  }

  #late(ctx: AttemptContext, now: number): AttemptResult {
    return this.#failed(ctx, new HandlerTimeoutError(ctx, ctx.timeoutMs, now - ctx.begun))
  }

  #failed(ctx: AttemptContext, error: Error): AttemptResult {
    const { entry, event, attempt } = ctx
    this.#deps.logger.debug({ err: error, handler: entry.name, eventId: event.id, attempt }, 'attempt failed')
    ctx.span?.recordException(error)
    if (this.#stopping) return this.interrupted(ctx)
    const { retry } = entry.policy
    if (attempt >= retry.attempts) return this.#exhausted(ctx, error)
    return { retryAfterMs: retryDelay(retry, attempt), attempts: attempt, error: toDeliveryError(error, ctx) }
  }

  /** The final failure of a delivery: `timed_out` when the last attempt ran out of time, else `failed`. */
  #exhausted(ctx: AttemptContext, error: Error): DeliveryOutcome {
    const { entry, event, attempt: attempts } = ctx
    this.#deps.logger.warn(
      { err: error, handler: entry.name, eventId: event.id, attempts },
      'delivery failed',
    )
    return {
      handler: entry.name,
      status: error instanceof HandlerTimeoutError ? 'timed_out' : 'failed',
      attempts,
      durationMs: roundDuration(performance.now() - ctx.start),
      error: toDeliveryError(error, ctx),
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}
