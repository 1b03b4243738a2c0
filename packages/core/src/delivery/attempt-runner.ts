import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { v7 as uuidv7 } from 'uuid'
import type { BusObservers } from '../bus/bus-observers.js'
import { HandlerExecutionError, HandlerTimeoutError } from '../errors.js'
import type { Event } from '../event/event.js'
import type { Logger } from '../logger.js'
import type { Store } from '../store/store.js'
import { AttemptContext } from './attempt-context.js'
import { burstNow } from './burst-clock.js'
import type { DeadlineList } from './deadline-list.js'
import type { DeliveryOutcome, DeliveryStatus } from './delivery.js'
import { retryDelay } from './delivery-policy.js'
import type { HandlerEntry } from './handler-entry.js'

/** What running attempts needs from its bus. */
export interface RunnerDeps {
  store: Store
  logger: Logger
  deadlines: DeadlineList
  observers: BusObservers
  /** Aborted when the bus shuts down: no new attempt starts, in-flight ones end, no retry waits. */
  shutdown: AbortSignal
}

/** How a run goes on after a failed attempt and ends. */
export interface RunMode {
  /** A dead letter's replay: exhausting the attempts does not dead-letter again. */
  replay: boolean
  /** Retry in place (publish, ordered events); otherwise resolve to a `Retry` for the transport to redeliver. */
  inline: boolean
  /** The run owns the entry's concurrency slot and in-flight count, and gives them back when it ends. */
  owned: boolean
  /** An owned run also owns the claim on the event's idempotency key (`HandlerEntry.claimKey`). */
  ownsKey?: boolean
  /** Called around retry waits, so a transport does not presume a long run lost. */
  progress?: () => void
  /**
   * A transport delivery: when the bus shuts down, resolve to a `Retry` so the message is redelivered later
   * (after a restart, or to another node) instead of ending the delivery.
   */
  redeliverable: boolean
}

/** A failed attempt to be retried later through the transport. */
export interface Retry {
  retryAfterMs: number
  attempts: number
  error: string
}

/** How a run ends: an outcome, or (transport, not inline) a retry to schedule. */
export type RunResult = DeliveryOutcome | Retry

/** Receives the results of several runs, each at the position it was given (the handlers of one publish). */
export interface RunSink {
  put(index: number, result: RunResult): void
}

let captured: ((result: RunResult) => void) | undefined
/** A promise executor shared by every run: hands out the resolver without allocating a closure per promise. */
const capture = (resolve: (result: RunResult) => void): void => {
  captured = resolve
}

/**
 * Runs the attempts of one delivery: the handler with its timeout (one shared `DeadlineList`, a lazily created
 * AbortSignal), retries with backoff, then success (recording idempotency) or exhaustion (dead letter). A
 * handler that returns synchronously costs no promise and no clock; an async one costs its `AttemptContext`
 * and two promise callbacks, plus one promise with `run` (none with `runInto`, which puts the result in a sink).
 *
 * @example
 * ```ts
 * const outcome = await runner.run(entry, event, 1, performance.now(), { replay: false, inline: true, owned: false, redeliverable: false })
 * ```
 */
export class AttemptRunner {
  #deps: RunnerDeps
  /** The timeout callback of every attempt (one function, not a closure per attempt). */
  #expired = (ctx: AttemptContext, reason: Error): void => this.#deliver(ctx, this.#failed(ctx, reason))

  constructor(deps: RunnerDeps) {
    this.#deps = deps
  }

  /** Runs attempt `attempt` (and the retries after it) of a delivery that began at `start`. */
  run(
    entry: HandlerEntry,
    event: Event,
    attempt: number,
    start: number,
    mode: RunMode,
  ): Promise<RunResult> | DeliveryOutcome {
    const result = this.#attempt(entry, event, attempt, start, mode)
    if (!(result instanceof AttemptContext)) return result
    const promise = new Promise<RunResult>(capture)
    result.resolve = captured
    return promise
  }

  /** Runs a delivery like `run` from its first attempt, handing the result to `sink.put(index, result)`. */
  runInto(
    entry: HandlerEntry,
    event: Event,
    start: number,
    mode: RunMode,
    sink: RunSink,
    index: number,
  ): void {
    const result = this.#attempt(entry, event, 1, start, mode)
    if (result instanceof AttemptContext) {
      result.sink = sink
      result.index = index
    } else if (result instanceof Promise) void result.then((settled) => sink.put(index, settled))
    else sink.put(index, result)
  }

  /** Reports an outcome to observers and returns it. */
  report(event: Event, outcome: DeliveryOutcome): DeliveryOutcome {
    if (this.#deps.observers.active) this.#deps.observers.outcome(event, outcome)
    return outcome
  }

  /** Calls the handler: its result when known now, else the pending attempt (its result goes to `#deliver`). */
  #attempt(
    entry: HandlerEntry,
    event: Event,
    attempt: number,
    start: number,
    mode: RunMode,
  ): DeliveryOutcome | Promise<RunResult> | AttemptContext {
    const { shutdown, deadlines } = this.#deps
    const ctx = new AttemptContext(entry, event, attempt, start, mode)
    if (shutdown.aborted) return this.#failed(ctx, shutdown.reason as Error)
    let returned: unknown
    try {
      returned = entry.handler(event, ctx)
    } catch (error) {
      return this.#failed(ctx, new HandlerExecutionError(ctx, error))
    }
    if (!isThenable(returned)) return this.#succeeded(ctx)
    ctx.onExpire = this.#expired
    deadlines.track(ctx)
    returned.then(
      () => {
        if (deadlines.untrack(ctx)) this.#deliver(ctx, this.#succeeded(ctx))
      },
      (error: unknown) => {
        if (deadlines.untrack(ctx))
          this.#deliver(ctx, this.#failed(ctx, new HandlerExecutionError(ctx, error)))
      },
    )
    return ctx
  }

  /** Hands a pending attempt's result to its sink or its promise. */
  #deliver(ctx: AttemptContext, result: RunResult | Promise<RunResult>): void {
    if (result instanceof Promise) void result.then((settled) => this.#deliver(ctx, settled))
    else if (ctx.sink === undefined) ctx.resolve?.(result)
    else ctx.sink.put(ctx.index, result)
  }

  #succeeded(ctx: AttemptContext): DeliveryOutcome | Promise<DeliveryOutcome> {
    const { entry, event } = ctx
    if (entry.policy.idempotent) {
      const { store } = this.#deps
      if (store.markProcessedSync === undefined) return this.#settle(ctx, undefined)
      try {
        store.markProcessedSync(event.metadata.idempotencyKey, entry.name)
      } catch (error) {
        return this.#end(ctx, this.#storeFailed(ctx, error))
      }
    }
    // The handlers of one publish (a sink) often settle in the same run of the microtask queue: one clock read.
    const durationMs = (ctx.sink === undefined ? performance.now() : burstNow()) - ctx.start
    return this.#end(ctx, { handler: entry.name, status: 'succeeded', attempts: ctx.attempt, durationMs })
  }

  async #failed(ctx: AttemptContext, error: Error): Promise<RunResult> {
    const { entry, event, attempt, start, mode } = ctx
    const { logger, shutdown } = this.#deps
    logger.debug({ err: error, handler: entry.name, eventId: event.id, attempt }, 'attempt failed')
    if (shutdown.aborted) return this.#interrupted(ctx)
    const { retry } = entry.policy
    if (attempt >= retry.attempts) return this.#settle(ctx, error)
    const delay = retryDelay(retry, attempt)
    if (!mode.inline) return { retryAfterMs: delay, attempts: attempt, error: error.message }
    mode.progress?.()
    try {
      await sleep(delay, undefined, { signal: shutdown })
    } catch {
      return this.#interrupted(ctx)
    }
    mode.progress?.()
    return this.run(entry, event, attempt + 1, start, mode)
  }

  /**
   * Ends a run the bus shutdown interrupted: a transport delivery is handed back for redelivery; a publish
   * reports `failed` with the shutdown as its error, neither dead-lettered nor recorded as processed.
   */
  #interrupted(ctx: AttemptContext): Retry | Promise<DeliveryOutcome> {
    const reason = this.#deps.shutdown.reason as Error
    if (ctx.mode.redeliverable) return { retryAfterMs: 0, attempts: ctx.attempt, error: reason.message }
    return this.#settle(ctx, reason)
  }

  /** Ends a run: records idempotency after success, dead-letters after the last failure. */
  async #settle(ctx: AttemptContext, error: Error | undefined): Promise<DeliveryOutcome> {
    const { entry, event, attempt: attempts, mode } = ctx
    const { store, logger, shutdown } = this.#deps
    const handler = entry.name
    let outcome: DeliveryOutcome
    try {
      if (error === undefined) {
        await store.markProcessed(event.metadata.idempotencyKey, handler)
        outcome = { handler, status: 'succeeded', attempts, durationMs: performance.now() - ctx.start }
      } else {
        logger.warn({ err: error, handler, eventId: event.id, attempts }, 'delivery failed')
        let status: DeliveryStatus = error instanceof HandlerTimeoutError ? 'timed_out' : 'failed'
        if (entry.policy.deadLetter !== false && !mode.replay && !shutdown.aborted) {
          await this.#deadLetter(entry, event, attempts, error)
          status = 'dead_lettered'
        }
        const durationMs = performance.now() - ctx.start
        outcome = { handler, status, attempts, durationMs, error: error.message }
      }
    } catch (storeError) {
      outcome = this.#storeFailed(ctx, storeError)
    }
    return this.#end(ctx, outcome)
  }

  /** Handler failures are results; only the store throws here. Report it rather than reject publish. */
  #storeFailed(ctx: AttemptContext, storeError: unknown): DeliveryOutcome {
    const { handler, eventId, attempt: attempts } = ctx
    this.#deps.logger.error({ err: storeError, handler, eventId }, 'delivery failed in the store')
    const error = `store: ${(storeError as Error).message}`
    return { handler, status: 'failed', attempts, durationMs: 0, error }
  }

  /** Gives back what an owned run holds, then reports the outcome. */
  #end(ctx: AttemptContext, outcome: DeliveryOutcome): DeliveryOutcome {
    if (ctx.mode.owned) release(ctx)
    return this.report(ctx.event, outcome)
  }

  async #deadLetter(entry: HandlerEntry, event: Event, attempts: number, error: Error): Promise<void> {
    const failedAt = new Date().toISOString()
    const deadLetter = { id: uuidv7(), event, handler: entry.name, attempts, error: error.message, failedAt }
    await this.#deps.store.addDeadLetter(deadLetter)
    if (this.#deps.observers.active) this.#deps.observers.deadLettered(deadLetter)
  }
}

function release({ entry, event, mode }: AttemptContext): void {
  entry.release()
  entry.end()
  if (mode.ownsKey) entry.releaseKey(event.metadata.idempotencyKey)
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}
