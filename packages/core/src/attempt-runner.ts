import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { v7 as uuidv7 } from 'uuid'
import { AttemptContext } from './attempt-context.js'
import type { BusObservers } from './bus-observers.js'
import type { DeadlineList } from './deadline-list.js'
import type { DeliveryOutcome, DeliveryStatus } from './delivery.js'
import { retryDelay } from './delivery-policy.js'
import { HandlerExecutionError, HandlerTimeoutError } from './errors.js'
import type { Event } from './event.js'
import type { HandlerEntry } from './handler-entry.js'
import type { Logger } from './logger.js'
import type { Store } from './store.js'

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

/**
 * Runs the attempts of one delivery: the handler with its timeout (one shared `DeadlineList`, a lazily created
 * AbortSignal), retries with backoff, then success (recording idempotency) or exhaustion (dead letter). A
 * handler that returns synchronously costs no promise and no clock; an async one costs one promise.
 *
 * @example
 * ```ts
 * const outcome = await runner.run(entry, event, 1, performance.now(), { replay: false, inline: true, owned: false })
 * ```
 */
export class AttemptRunner {
  #deps: RunnerDeps

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
  ): Promise<DeliveryOutcome | Retry> | DeliveryOutcome {
    const ctx = new AttemptContext(attempt, entry.name, event.id, entry.policy.timeoutMs)
    const { shutdown } = this.#deps
    if (shutdown.aborted) return this.#failed(entry, event, attempt, start, shutdown.reason as Error, mode)
    let returned: unknown
    try {
      returned = entry.handler(event, ctx)
    } catch (error) {
      return this.#failed(entry, event, attempt, start, new HandlerExecutionError(ctx, error), mode)
    }
    if (!isThenable(returned)) return this.#succeeded(entry, event, attempt, start, mode)
    const { deadlines } = this.#deps
    return new Promise((resolve) => {
      ctx.onExpire = (timeout) => resolve(this.#failed(entry, event, attempt, start, timeout, mode))
      deadlines.track(ctx)
      returned.then(
        () => {
          if (deadlines.untrack(ctx)) resolve(this.#succeeded(entry, event, attempt, start, mode))
        },
        (error: unknown) => {
          if (deadlines.untrack(ctx)) {
            resolve(this.#failed(entry, event, attempt, start, new HandlerExecutionError(ctx, error), mode))
          }
        },
      )
    })
  }

  /** Reports an outcome to observers and returns it. */
  report(event: Event, outcome: DeliveryOutcome): DeliveryOutcome {
    if (this.#deps.observers.active) this.#deps.observers.outcome(event, outcome)
    return outcome
  }

  #succeeded(
    entry: HandlerEntry,
    event: Event,
    attempts: number,
    start: number,
    mode: RunMode,
  ): DeliveryOutcome | Promise<DeliveryOutcome> {
    if (entry.policy.idempotent) return this.#settle(entry, event, attempts, start, mode, undefined)
    if (mode.owned) release(entry)
    const durationMs = performance.now() - start
    return this.report(event, { handler: entry.name, status: 'succeeded', attempts, durationMs })
  }

  async #failed(
    entry: HandlerEntry,
    event: Event,
    attempt: number,
    start: number,
    error: Error,
    mode: RunMode,
  ): Promise<DeliveryOutcome | Retry> {
    const { logger, shutdown } = this.#deps
    logger.debug({ err: error, handler: entry.name, eventId: event.id, attempt }, 'attempt failed')
    if (shutdown.aborted) return this.#interrupted(entry, event, attempt, start, mode)
    const { retry } = entry.policy
    if (attempt >= retry.attempts) return this.#settle(entry, event, attempt, start, mode, error)
    const delay = retryDelay(retry, attempt)
    if (!mode.inline) return { retryAfterMs: delay, attempts: attempt, error: error.message }
    mode.progress?.()
    try {
      await sleep(delay, undefined, { signal: shutdown })
    } catch {
      return this.#interrupted(entry, event, attempt, start, mode)
    }
    mode.progress?.()
    return this.run(entry, event, attempt + 1, start, mode)
  }

  /**
   * Ends a run the bus shutdown interrupted: a transport delivery is handed back for redelivery; a publish
   * reports `failed` with the shutdown as its error, neither dead-lettered nor recorded as processed.
   */
  #interrupted(
    entry: HandlerEntry,
    event: Event,
    attempts: number,
    start: number,
    mode: RunMode,
  ): Retry | Promise<DeliveryOutcome> {
    const reason = this.#deps.shutdown.reason as Error
    if (mode.redeliverable) return { retryAfterMs: 0, attempts, error: reason.message }
    return this.#settle(entry, event, attempts, start, mode, reason)
  }

  /** Ends a run: records idempotency after success, dead-letters after the last failure. */
  async #settle(
    entry: HandlerEntry,
    event: Event,
    attempts: number,
    start: number,
    mode: RunMode,
    error: Error | undefined,
  ): Promise<DeliveryOutcome> {
    const { store, logger } = this.#deps
    const handler = entry.name
    try {
      if (error === undefined) {
        await store.markProcessed(event.metadata.idempotencyKey, handler)
        return this.report(event, {
          handler,
          status: 'succeeded',
          attempts,
          durationMs: performance.now() - start,
        })
      }
      logger.warn({ err: error, handler, eventId: event.id, attempts }, 'delivery failed')
      let status: DeliveryStatus = error instanceof HandlerTimeoutError ? 'timed_out' : 'failed'
      if (entry.policy.deadLetter !== false && !mode.replay && !this.#deps.shutdown.aborted) {
        await this.#deadLetter(entry, event, attempts, error)
        status = 'dead_lettered'
      }
      const durationMs = performance.now() - start
      return this.report(event, { handler, status, attempts, durationMs, error: error.message })
    } catch (storeError) {
      // Handler failures are results; only the store throws here. Report it rather than reject publish.
      logger.error({ err: storeError, handler, eventId: event.id }, 'delivery failed in the store')
      const message = `store: ${(storeError as Error).message}`
      return this.report(event, { handler, status: 'failed', attempts, durationMs: 0, error: message })
    } finally {
      if (mode.owned) release(entry)
    }
  }

  async #deadLetter(entry: HandlerEntry, event: Event, attempts: number, error: Error): Promise<void> {
    const failedAt = new Date().toISOString()
    const deadLetter = { id: uuidv7(), event, handler: entry.name, attempts, error: error.message, failedAt }
    await this.#deps.store.addDeadLetter(deadLetter)
    if (this.#deps.observers.active) this.#deps.observers.deadLettered(deadLetter)
  }
}

function release(entry: HandlerEntry): void {
  entry.release()
  entry.end()
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}
