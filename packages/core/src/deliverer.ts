import { performance } from 'node:perf_hooks'
import { AttemptRunner, type Retry, type RunMode, type RunnerDeps } from './attempt-runner.js'
import type { DeliveryOutcome, DeliveryStatus } from './delivery.js'
import type { Reach } from './dispatch-plan.js'
import type { Event } from './event.js'
import type { HandlerEntry } from './handler-entry.js'
import type { HandlerSlot } from './handler-slot.js'
import type { LedgerWriter } from './ledger-writer.js'
import type { Store } from './store.js'
import type { TransportMessage } from './transport.js'

/** What a delivery needs from its bus. */
export interface DelivererDeps extends RunnerDeps {
  ledger: LedgerWriter
  /** Whether the ledger must report events whose handlers all finished (someone wants `event.after_dispatch`). */
  reportsCompletion: () => boolean
}

/** Publish with nothing to wait for: the run owns the concurrency slot it took. */
const FAST: RunMode = Object.freeze({ replay: false, inline: true, owned: true, redeliverable: false })
const GATED: RunMode = Object.freeze({ replay: false, inline: true, owned: false, redeliverable: false })
const REPLAY: RunMode = Object.freeze({ replay: true, inline: true, owned: false, redeliverable: false })

/**
 * Delivers events to handlers through the same gates on both paths: hold, orderingKey chain, concurrency,
 * idempotency, then the attempts. `direct` (publish) retries inline and skips every gate it can: an event with no
 * orderingKey to a handler that is not held, not idempotent and has a free slot goes straight to its attempt.
 * `fromTransport` acks, or naks to retry later unless the event is ordered.
 *
 * @example
 * ```ts
 * const outcome = await deliverer.direct(slot, event)
 * ```
 */
export class Deliverer {
  #runner: AttemptRunner
  #ledger: LedgerWriter
  #store: Store
  #reportsCompletion: () => boolean

  constructor(deps: DelivererDeps) {
    this.#runner = new AttemptRunner(deps)
    this.#ledger = deps.ledger
    this.#store = deps.store
    this.#reportsCompletion = deps.reportsCompletion
  }

  /**
   * One delivery with inline retries; never rejects. `start` is the clock reading of the publish (one read for
   * all its handlers). `replay` skips dead-lettering (a dead letter's replay).
   */
  direct(
    slot: HandlerSlot,
    event: Event,
    start: number,
    replay = false,
  ): Promise<DeliveryOutcome> | DeliveryOutcome {
    const entry = slot.entry
    if (
      !replay &&
      entry !== undefined &&
      !slot.held &&
      event.metadata.orderingKey === undefined &&
      !entry.policy.idempotent &&
      entry.tryAcquire()
    ) {
      entry.begin()
      return this.#runner.run(entry, event, 1, start, FAST) as Promise<DeliveryOutcome> | DeliveryOutcome
    }
    return this.#gatedDirect(slot, event, replay)
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
      const mode: RunMode = {
        replay: false,
        inline: event.metadata.orderingKey !== undefined,
        owned: false,
        progress: () => message.working(),
        redeliverable: true,
      }
      const result = reach.reached
        ? await this.#once(entry, event, message.attempt, mode)
        : this.skipped(event, entry.name, reach)
      if ('retryAfterMs' in result) {
        this.#record(event, entry.name, 'retrying', result.attempts, 0, result.error)
        await message.nak(result.retryAfterMs)
      } else {
        this.#record(event, entry.name, result.status, result.attempts, result.durationMs, result.error)
        await message.ack()
      }
      return true
    })
    // No handler under this name any more: leave the message to the next consumer of the name.
    if (handled === undefined) await message.nak(0)
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
    return this.#runner.report(event, outcome)
  }

  async #gatedDirect(slot: HandlerSlot, event: Event, replay: boolean): Promise<DeliveryOutcome> {
    const mode = replay ? REPLAY : GATED
    const outcome = await this.#gated(slot, event, (entry) => this.#once(entry, event, 1, mode))
    if (outcome !== undefined) return outcome as DeliveryOutcome
    const error = `handler ${slot.name} is no longer subscribed`
    return this.#runner.report(event, {
      handler: slot.name,
      status: 'failed',
      attempts: 0,
      durationMs: 0,
      error,
    })
  }

  /** Waits out the hold, the orderingKey chain and the concurrency limit; undefined when the handler is gone. */
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

  /** Skips an idempotencyKey already handled (waiting for a concurrent duplicate first), else runs the attempts. */
  async #once(
    entry: HandlerEntry,
    event: Event,
    first: number,
    mode: RunMode,
  ): Promise<DeliveryOutcome | Retry> {
    if (!entry.policy.idempotent) return this.#runner.run(entry, event, first, performance.now(), mode)
    const key = event.metadata.idempotencyKey
    const previous = entry.keysInFlight.get(key)
    let finished!: () => void
    const mine = new Promise<void>((resolve) => (finished = resolve))
    entry.keysInFlight.set(key, mine)
    try {
      await previous
      if (await this.#store.isProcessed(key, entry.name)) {
        return this.#runner.report(event, {
          handler: entry.name,
          status: 'skipped_duplicate',
          attempts: 0,
          durationMs: 0,
        })
      }
      return await this.#runner.run(entry, event, first, performance.now(), mode)
    } catch (error) {
      const message = `store: ${(error as Error).message}`
      return this.#runner.report(event, {
        handler: entry.name,
        status: 'failed',
        attempts: 0,
        durationMs: 0,
        error: message,
      })
    } finally {
      if (entry.keysInFlight.get(key) === mine) entry.keysInFlight.delete(key)
      finished()
    }
  }

  #record(
    event: Event,
    handler: string,
    status: DeliveryStatus | 'retrying',
    attempts: number,
    durationMs: number,
    error: string | undefined,
  ): void {
    const updatedAt = new Date().toISOString()
    const record = {
      eventId: event.id,
      handler,
      status,
      attempts,
      durationMs,
      updatedAt,
      ...(error && { error }),
    }
    const finished = status !== 'retrying' && this.#reportsCompletion() ? event : undefined
    this.#ledger.write(record, finished)
  }
}
