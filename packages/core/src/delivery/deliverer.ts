import { performance } from 'node:perf_hooks'
import type { Event } from '../event/event.js'
import { isoNow } from '../event/iso-now.js'
import { isFinalStatus } from '../ledger/delivery-status.js'
import type { LedgerWriter } from '../ledger/ledger-writer.js'
import type { Reach } from '../routing/dispatch-plan.js'
import type { Store } from '../store/store.js'
import type { TransportMessage } from '../transport/transport.js'
import {
  AttemptRunner,
  type RunMode,
  type RunnerDeps,
  type RunResult,
  type RunSink,
} from './attempt-runner.js'
import type { DeliveryOutcome, DeliveryStatus } from './delivery.js'
import type { HandlerEntry } from './handler-entry.js'
import type { HandlerSlot } from './handler-slot.js'

/** What a delivery needs from its bus. */
export interface DelivererDeps extends RunnerDeps {
  ledger: LedgerWriter
  /** Whether the ledger must report events whose handlers all finished (someone wants `event.after_dispatch`). */
  reportsCompletion: () => boolean
}

/** Publish with nothing to wait for: the run owns the concurrency slot it took. */
const FAST: RunMode = Object.freeze({ replay: false, inline: true, owned: true, redeliverable: false })
/** The same for an idempotent handler: the run also owns the claim on the idempotency key. */
const FAST_KEYED: RunMode = Object.freeze({ ...FAST, ownsKey: true })
const GATED: RunMode = Object.freeze({ replay: false, inline: true, owned: false, redeliverable: false })
const REPLAY: RunMode = Object.freeze({ replay: true, inline: true, owned: false, redeliverable: false })

/**
 * Delivers events to handlers through the same gates on both paths: hold, orderingKey chain, concurrency,
 * idempotency, then the attempts. `direct` (publish) retries inline and skips every gate it can: an event with no
 * orderingKey to a handler that is not held and has a free slot goes straight to its attempt (for an idempotent
 * handler, when the Store answers idempotency synchronously and no duplicate is in flight).
 * `fromTransport` acks, or naks to retry later unless the event is ordered.
 *
 * @example
 * ```ts
 * const outcome = await deliverer.direct(slot, event, performance.now())
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
    const fast = replay ? undefined : this.#tryFast(slot, event)
    if (fast === undefined) return this.#gatedDirect(slot, event, replay)
    if ('status' in fast) return fast
    // Inline modes never end in a Retry.
    return this.#runner.run(slot.entry!, event, 1, start, fast) as Promise<DeliveryOutcome> | DeliveryOutcome
  }

  /** `direct` for one of several handlers of a publish: the outcome goes to `sink.put(index, outcome)`. */
  directInto(slot: HandlerSlot, event: Event, start: number, sink: RunSink, index: number): void {
    const fast = this.#tryFast(slot, event)
    if (fast === undefined)
      void this.#gatedDirect(slot, event, false).then((outcome) => sink.put(index, outcome))
    else if ('status' in fast) sink.put(index, fast)
    else this.#runner.runInto(slot.entry!, event, start, fast, sink, index)
  }

  /**
   * Handles one transport message for the slot's handler; `reaches` re-checks selection, routes and filter. A
   * handler that is filtered out or deselected now but has an unfinished ledger row (it was accepted at enqueue)
   * ends `unrouted` with the reason as error, so the event completes; without a row the message is only acked.
   */
  async fromTransport(
    slot: HandlerSlot,
    message: TransportMessage,
    reaches: (entry: HandlerEntry, event: Event) => Reach,
  ): Promise<void> {
    const { event } = message
    const handled = await this.#gated(slot, event, async (entry) => {
      const reach = reaches(entry, event)
      if (!reach.reached && reach.status === undefined) {
        // The Store is read only here: such messages are rare unless a handler is deselected for a while.
        if (await this.#awaited(event.id, entry.name)) this.unrouted(event, entry.name, reach.reason)
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

  /**
   * Ends as `unrouted` a delivery accepted for a handler that no longer wants it (filtered out, deselected, or
   * no longer subscribed at `resume`), with `error` saying why; written to the ledger and reported to observers.
   */
  unrouted(event: Event, handler: string, error: string): void {
    this.#runner.report(event, { handler, status: 'unrouted', attempts: 0, durationMs: 0, error })
    this.#record(event, handler, 'unrouted', 0, 0, error)
  }

  /**
   * Ends as `skipped_duplicate` every `pending` ledger row of an enqueued event that the transport dropped as a
   * duplicate of another event with its idempotencyKey (no handler will receive it), so it completes as it
   * would for idempotent handlers on a transport that delivers it. Rows already past `pending` keep their
   * state. Resolves once the rows are in the Store.
   */
  async droppedDuplicate(event: Event): Promise<void> {
    const error = `dropped by the transport: idempotencyKey "${event.metadata.idempotencyKey}" already accepted`
    for (const { handler, status } of await this.#store.deliveries(event.id)) {
      if (status !== 'pending') continue
      this.#runner.report(event, { ...duplicate(handler), error })
      this.#record(event, handler, 'skipped_duplicate', 0, 0, error)
    }
    await this.#ledger.flush()
  }

  /** Whether the ledger has an unfinished row of `handler` for the event (it was accepted for it). */
  async #awaited(eventId: string, handler: string): Promise<boolean> {
    const records = await this.#store.deliveries(eventId)
    return records.some((record) => record.handler === handler && !isFinalStatus(record.status))
  }

  /**
   * Takes the ungated way when nothing is to wait for: the mode to run in (the slot, in-flight count and key
   * taken), the outcome when the Store already knows the key, or undefined for the gated way.
   */
  #tryFast(slot: HandlerSlot, event: Event): RunMode | DeliveryOutcome | undefined {
    const entry = slot.entry
    if (entry === undefined || slot.held || event.metadata.orderingKey !== undefined) return undefined
    if (!entry.policy.idempotent) {
      if (!entry.tryAcquire()) return undefined
      entry.begin()
      return FAST
    }
    const store = this.#store
    const key = event.metadata.idempotencyKey
    if (store.isProcessedSync === undefined || !entry.claimKey(key)) return undefined
    if (!entry.tryAcquire()) {
      entry.releaseKey(key)
      return undefined
    }
    let processed: boolean | undefined
    try {
      processed = store.isProcessedSync(key, entry.name)
    } catch {
      // The gated way asks again and reports the store's error.
    }
    if (processed === false) {
      entry.begin()
      return FAST_KEYED
    }
    entry.release()
    entry.releaseKey(key)
    return processed ? this.#runner.report(event, duplicate(entry.name)) : undefined
  }

  async #gatedDirect(slot: HandlerSlot, event: Event, replay: boolean): Promise<DeliveryOutcome> {
    const mode = replay ? REPLAY : GATED
    const outcome = await this.#gated(slot, event, (entry) => this.#once(entry, event, 1, mode))
    if (outcome !== undefined) return outcome as DeliveryOutcome
    return this.#runner.report(event, {
      handler: slot.name,
      status: 'unrouted',
      attempts: 0,
      durationMs: 0,
      error: 'handler no longer subscribed',
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
  async #once(entry: HandlerEntry, event: Event, first: number, mode: RunMode): Promise<RunResult> {
    if (!entry.policy.idempotent) return this.#runner.run(entry, event, first, performance.now(), mode)
    const key = event.metadata.idempotencyKey
    while (!entry.claimKey(key)) await entry.keyReleased(key)
    try {
      const store = this.#store
      const processed = store.isProcessedSync?.(key, entry.name) ?? (await store.isProcessed(key, entry.name))
      if (processed) return this.#runner.report(event, duplicate(entry.name))
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
      entry.releaseKey(key)
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
    const updatedAt = isoNow()
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

function duplicate(handler: string): DeliveryOutcome {
  return { handler, status: 'skipped_duplicate', attempts: 0, durationMs: 0 }
}
