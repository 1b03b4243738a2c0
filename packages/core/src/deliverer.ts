import { setTimeout as sleep } from 'node:timers/promises'
import { v7 as uuidv7 } from 'uuid'
import type { BusObservers } from './bus-observers.js'
import type { DeadlineList } from './deadline-list.js'
import type { DeliveryOutcome, DeliveryStatus } from './delivery.js'
import { retryDelay } from './delivery-policy.js'
import type { Reach } from './dispatch-plan.js'
import { HandlerTimeoutError } from './errors.js'
import type { Event } from './event.js'
import type { HandlerEntry } from './handler-entry.js'
import type { HandlerSlot } from './handler-slot.js'
import type { LedgerWriter } from './ledger-writer.js'
import type { Logger } from './logger.js'
import { type AttemptResult, runAttempt } from './run-attempt.js'
import type { Store } from './store.js'
import type { TransportMessage } from './transport.js'

/** What a delivery needs from its bus. */
export interface DelivererDeps {
  store: Store
  logger: Logger
  deadlines: DeadlineList
  observers: BusObservers
  ledger: LedgerWriter
}

/** A failed attempt to be retried later through the transport. */
interface Retry {
  retryAfterMs: number
  attempts: number
  error: string
}

/**
 * Delivers events to handlers through the same gates on both paths: hold, orderingKey chain, concurrency,
 * idempotency, attempts with timeout and backoff, then dead letter or success. `direct` retries inline (publish);
 * `fromTransport` acks, or naks to retry later unless the event is ordered.
 *
 * @example
 * ```ts
 * const outcome = await deliverer.direct(slot, event)
 * ```
 */
export class Deliverer {
  #deps: DelivererDeps

  constructor(deps: DelivererDeps) {
    this.#deps = deps
  }

  /** One delivery with inline retries; never rejects. `replay` skips dead-lettering (a dead letter's replay). */
  async direct(slot: HandlerSlot, event: Event, replay = false): Promise<DeliveryOutcome> {
    const outcome = await this.#gated(slot, event, (entry) => this.#deliver(entry, event, 1, true, replay))
    return (outcome as DeliveryOutcome | undefined) ?? this.#gone(slot, event)
  }

  /** Handles one transport message for the slot's handler; `reaches` re-checks selection, routes and filter. */
  async fromTransport(
    slot: HandlerSlot,
    message: TransportMessage,
    reaches: (entry: HandlerEntry, event: Event) => Reach,
  ): Promise<void> {
    const { event } = message
    const handled = await this.#gated(slot, event, async (entry) => {
      const reach = reaches(entry, event)
      if (!reach.reached && reach.status === undefined) {
        await message.ack()
        return true
      }
      const ordered = event.metadata.orderingKey !== undefined
      const result = reach.reached
        ? await this.#deliver(entry, event, message.attempt, ordered, false, () => message.working())
        : this.skipped(event, entry.name, reach)
      if ('retryAfterMs' in result) {
        this.#record(event.id, entry.name, 'retrying', result.attempts, 0, result.error)
        await message.nak(result.retryAfterMs)
      } else {
        this.#record(event.id, entry.name, result.status, result.attempts, result.durationMs, result.error)
        await message.ack()
      }
      return true
    })
    // No handler under this name any more: leave the message to the next consumer of the name.
    if (handled === undefined) await message.nak(0)
  }

  async #gated<T>(
    slot: HandlerSlot,
    event: Event,
    work: (entry: HandlerEntry) => Promise<T>,
  ): Promise<T | undefined> {
    if (slot.held) await slot.released()
    const entry = slot.entry
    if (entry === undefined) return undefined
    entry.begin()
    const key = event.metadata.orderingKey
    const turn = key === undefined ? undefined : entry.takeTurn(key)
    try {
      if (turn?.previous !== undefined) await turn.previous
      const slotWait = entry.acquire()
      if (slotWait !== undefined) await slotWait
      try {
        return await work(entry)
      } finally {
        entry.release()
      }
    } finally {
      turn?.done()
      entry.end()
    }
  }

  async #deliver(
    entry: HandlerEntry,
    event: Event,
    first: number,
    inline: boolean,
    replay: boolean,
    progress?: () => void,
  ): Promise<DeliveryOutcome | Retry> {
    const { store } = this.#deps
    const key = event.metadata.idempotencyKey
    let finished: (() => void) | undefined
    let mine: Promise<void> | undefined
    try {
      if (entry.policy.idempotent) {
        // Queue behind a delivery of the same key in flight, so a concurrent duplicate sees its outcome.
        const previous = entry.keysInFlight.get(key)
        mine = new Promise<void>((resolve) => (finished = resolve))
        entry.keysInFlight.set(key, mine)
        await previous
        if (await store.isProcessed(key, entry.name)) {
          return this.#report(event, {
            handler: entry.name,
            status: 'skipped_duplicate',
            attempts: 0,
            durationMs: 0,
          })
        }
      }
      const start = performance.now()
      const { retry } = entry.policy
      for (let attempt = first; ; attempt++) {
        const result = runAttempt(entry, event, attempt, this.#deps.deadlines)
        const error: AttemptResult = result instanceof Promise ? await result : result
        if (error === undefined) {
          if (entry.policy.idempotent) await store.markProcessed(key, entry.name)
          const durationMs = performance.now() - start
          return this.#report(event, {
            handler: entry.name,
            status: 'succeeded',
            attempts: attempt,
            durationMs,
          })
        }
        this.#deps.logger.debug(
          { err: error, handler: entry.name, eventId: event.id, attempt },
          'attempt failed',
        )
        if (attempt >= retry.attempts)
          return await this.#exhausted(entry, event, attempt, start, error, replay)
        const delay = retryDelay(retry, attempt)
        if (!inline) return { retryAfterMs: delay, attempts: attempt, error: error.message }
        progress?.()
        await sleep(delay)
        progress?.()
      }
    } catch (error) {
      // Only the store can throw here (handler failures are results): report it rather than reject publish.
      this.#deps.logger.error(
        { err: error, handler: entry.name, eventId: event.id },
        'delivery failed in the store',
      )
      const message = `store: ${(error as Error).message}`
      return this.#report(event, {
        handler: entry.name,
        status: 'failed',
        attempts: 0,
        durationMs: 0,
        error: message,
      })
    } finally {
      if (finished !== undefined) {
        if (entry.keysInFlight.get(key) === mine) entry.keysInFlight.delete(key)
        finished()
      }
    }
  }

  async #exhausted(
    entry: HandlerEntry,
    event: Event,
    attempts: number,
    start: number,
    error: Error,
    replay: boolean,
  ): Promise<DeliveryOutcome> {
    const { logger, store, observers } = this.#deps
    logger.warn({ err: error, handler: entry.name, eventId: event.id, attempts }, 'delivery failed')
    let status: DeliveryStatus = error instanceof HandlerTimeoutError ? 'timed_out' : 'failed'
    if (entry.policy.deadLetter !== false && !replay) {
      const deadLetter = {
        id: uuidv7(),
        event,
        handler: entry.name,
        attempts,
        error: error.message,
        failedAt: new Date().toISOString(),
      }
      await store.addDeadLetter(deadLetter)
      status = 'dead_lettered'
      if (observers.active) observers.deadLettered(deadLetter)
    }
    const durationMs = performance.now() - start
    return this.#report(event, { handler: entry.name, status, attempts, durationMs, error: error.message })
  }

  /** The outcome of a handler that matched but does not run (unrouted, or its filter threw). */
  skipped(event: Event, handler: string, reach: Reach): DeliveryOutcome {
    const outcome: DeliveryOutcome = {
      handler,
      status: reach.status ?? 'unrouted',
      attempts: 0,
      durationMs: 0,
    }
    if (outcome.status === 'failed') outcome.error = reach.reason
    return this.#report(event, outcome)
  }

  #gone(slot: HandlerSlot, event: Event): DeliveryOutcome {
    const error = `handler ${slot.name} is no longer subscribed`
    return this.#report(event, { handler: slot.name, status: 'failed', attempts: 0, durationMs: 0, error })
  }

  #report(event: Event, outcome: DeliveryOutcome): DeliveryOutcome {
    if (this.#deps.observers.active) this.#deps.observers.outcome(event, outcome)
    return outcome
  }

  #record(
    eventId: string,
    handler: string,
    status: DeliveryOutcome['status'] | 'retrying',
    attempts: number,
    durationMs: number,
    error: string | undefined,
  ): void {
    const updatedAt = new Date().toISOString()
    this.#deps.ledger.write({
      eventId,
      handler,
      status,
      attempts,
      durationMs,
      updatedAt,
      ...(error && { error }),
    })
  }
}
