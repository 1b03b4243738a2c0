import { performance } from 'node:perf_hooks'
import { HandlerExecutionError, HandlerTimeoutError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { AttemptContext } from './attempt-context.js'
import type { AttemptResult } from './attempt-result.js'
import { burstNow } from './burst-clock.js'
import type { DeadlineList } from './deadline-list.js'
import type { DeliveryOutcome } from './delivery.js'
import { retryDelay } from './delivery-policy.js'

/** What running an attempt needs from its bus. */
export interface RunnerDeps {
  logger: Logger
  deadlines: DeadlineList<AttemptContext>
  /** Aborted when the bus shuts down: no new attempt starts, in-flight ones end. */
  shutdown: AbortSignal
}

/** Receives the result of an attempt whose handler settled after `run` returned. */
export type AttemptSettled = (ctx: AttemptContext, result: AttemptResult) => void

/**
 * Runs ONE attempt of a delivery: calls the handler under its timeout (one shared `DeadlineList`, a lazily
 * created AbortSignal) and decides what the attempt means: `succeeded`, a `Retry` after the policy's backoff
 * while attempts are left, or the final `failed` / `timed_out` outcome. It writes nothing and waits for
 * nothing: recording, dead-lettering, waiting out retries and handing results on belong to the `Deliverer`.
 * A handler that returns synchronously costs no promise and no clock read; an async one costs its
 * `AttemptContext` and two promise callbacks.
 *
 * @example
 * ```ts
 * const runner = new AttemptRunner({ logger, deadlines, shutdown }, (ctx, result) => later(ctx, result))
 * const result = runner.run(new AttemptContext(entry, event, 1, performance.now(), { from: 'replay' }))
 * // undefined: the handler is still running; its result goes to `later`
 * ```
 */
export class AttemptRunner {
  #deps: RunnerDeps
  #settled: AttemptSettled
  /** The timeout callback of every attempt (one function, not a closure per attempt). */
  #expired = (ctx: AttemptContext, reason: Error): void => this.#settled(ctx, this.#failed(ctx, reason))

  constructor(deps: RunnerDeps, settled: AttemptSettled) {
    this.#deps = deps
    this.#settled = settled
  }

  /**
   * Runs the attempt `ctx`: its result when known now, else undefined and the result goes to `settled` when
   * the handler settles or its deadline passes. A bus shutting down fails the attempt before it starts.
   */
  run(ctx: AttemptContext): AttemptResult | undefined {
    const { shutdown, deadlines } = this.#deps
    if (shutdown.aborted) return this.#failed(ctx, shutdown.reason as Error)
    let returned: unknown
    try {
      returned = ctx.entry.handler(ctx.event, ctx)
    } catch (error) {
      return this.#failed(ctx, new HandlerExecutionError(ctx, error))
    }
    if (!isThenable(returned)) return this.#succeeded(ctx)
    ctx.onExpire = this.#expired
    deadlines.track(ctx)
    returned.then(
      () => {
        if (deadlines.untrack(ctx)) this.#settled(ctx, this.#succeeded(ctx))
      },
      (error: unknown) => {
        if (deadlines.untrack(ctx))
          this.#settled(ctx, this.#failed(ctx, new HandlerExecutionError(ctx, error)))
      },
    )
    return undefined
  }

  /**
   * The result of a delivery the bus shutdown interrupted (in an attempt or waiting to retry): a transport
   * delivery is handed back for redelivery at once; any other ends `failed` with the shutdown as its error.
   */
  interrupted(ctx: AttemptContext): AttemptResult {
    const reason = this.#deps.shutdown.reason as Error
    if (ctx.mode.from === 'transport')
      return { retryAfterMs: 0, attempts: ctx.attempt, error: reason.message }
    return this.#exhausted(ctx, reason)
  }

  #succeeded(ctx: AttemptContext): DeliveryOutcome {
    // The handlers of one publish (a sink) often settle in the same run of the microtask queue: one clock read.
    const durationMs = (ctx.sink === undefined ? performance.now() : burstNow()) - ctx.start
    return { handler: ctx.entry.name, status: 'succeeded', attempts: ctx.attempt, durationMs }
  }

  #failed(ctx: AttemptContext, error: Error): AttemptResult {
    const { entry, event, attempt } = ctx
    this.#deps.logger.debug({ err: error, handler: entry.name, eventId: event.id, attempt }, 'attempt failed')
    if (this.#deps.shutdown.aborted) return this.interrupted(ctx)
    const { retry } = entry.policy
    if (attempt >= retry.attempts) return this.#exhausted(ctx, error)
    return { retryAfterMs: retryDelay(retry, attempt), attempts: attempt, error: error.message }
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
      durationMs: performance.now() - ctx.start,
      error: error.message,
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
