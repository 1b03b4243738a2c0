import { v7 as uuidv7 } from 'uuid'
import type { BusObservers } from '../bus/bus-observers.js'
import { CrashedProcessError, DeliveryNotRunError } from '../errors.js'
import type { Event } from '../event/event.js'
import { isoNow } from '../event/iso-now.js'
import { LedgerWriter, type LedgerWritten } from '../ledger/ledger-writer.js'
import type { Logger } from '../logger.js'
import type { Reach } from '../routing/dispatch-plan.js'
import type { DeliveryRecord, Store } from '../store/store.js'
import type { Retry } from './attempt-result.js'
import type { DeliveryOutcome, DeliveryStatus } from './delivery.js'
import { type DeliveryError, toDeliveryError } from './delivery-error.js'
import type { DeliveryMode } from './delivery-mode.js'
import type { HandlerEntry } from './handler-entry.js'

/** What recording deliveries needs from its bus. */
export interface RecorderDeps {
  store: Store
  logger: Logger
  observers: BusObservers
  /** Aborted when the bus shuts down: a delivery it interrupts is not dead-lettered. */
  shutdown: AbortSignal
  /** Called once a ledger batch is in the Store, with the events that got a final row in it. */
  onWritten: LedgerWritten
  /** Whether the ledger must report events whose handlers all finished (someone wants `event.after_dispatch`). */
  reportsCompletion: () => boolean
}

/**
 * The one writer of what a delivery leaves behind: the pending ledger rows of an accepted event, the
 * idempotency record after a success, the dead letter after the last failure (and its removal after a
 * successful replay), and the ledger row of every transport delivery (batched by a `LedgerWriter`). It also
 * reports each final outcome to the bus observers, once.
 *
 * @example
 * ```ts
 * const recorder = new DeliveryRecorder({ store, logger, observers, shutdown, onWritten, reportsCompletion })
 * const outcome = await recorder.settle(entry, event, { from: 'replay' }, attemptOutcome)
 * ```
 */
export class DeliveryRecorder {
  #deps: RecorderDeps
  #ledger: LedgerWriter

  constructor(deps: RecorderDeps) {
    this.#deps = deps
    this.#ledger = new LedgerWriter(deps.store, deps.logger, deps.onWritten)
  }

  /** Nothing buffered for the ledger and no batch being written. */
  get idle(): boolean {
    return this.#ledger.idle
  }

  /** Resolves when every ledger row recorded so far is in the Store. */
  flush(): Promise<void> {
    return this.#ledger.flush()
  }

  /** Resolves once what was recorded so far (rows and idempotency records) was written. */
  written(): Promise<void> {
    return this.#ledger.written()
  }

  /**
   * Records that a transport delivery's handler is about to run; resolves once that is in the Store, so a
   * process dying in the handler leaves the start behind for `resume` to count. A first delivery's start goes
   * to the Store at once; a `redelivery`'s after the rows buffered before it (its own `retrying` row among them).
   */
  started(event: Event, handler: string, redelivery: boolean): Promise<void> {
    return this.#ledger.start({ eventId: event.id, handler }, redelivery)
  }

  /** Resolves once a record of this delivery is in the Store; false when `timeoutMs` passed first. */
  async recorded(event: Event, handler: string, timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, false)
    })
    try {
      return await Promise.race([this.#ledger.recorded(event.id, handler).then(() => true), late])
    } finally {
      clearTimeout(timer)
      this.#ledger.unwatch(event.id, handler)
    }
  }

  /**
   * Ends as `dead_lettered` an unfinished delivery that was running each time one of the last `crashes`
   * processes died: it is not run again. Writes its dead letter (replay still works) and its ledger row.
   */
  async crashed(event: Event, handler: string, crashes: number, maxCrashes: number): Promise<void> {
    const error = new CrashedProcessError({ handler, eventId: event.id, crashes, maxCrashes })
    this.#deps.logger.error({ err: error, handler, eventId: event.id, crashes }, 'poison event dead-lettered')
    const outcome: DeliveryOutcome = {
      handler,
      status: 'dead_lettered',
      attempts: crashes,
      durationMs: 0,
      error: toDeliveryError(error, { handler, eventId: event.id, attempt: crashes }),
    }
    try {
      await this.#deadLetter(event, outcome)
    } catch (storeError) {
      this.#final(event, this.#storeFailed(outcome, event, storeError), true)
      return
    }
    this.#final(event, outcome, true)
  }

  /** Accepts an enqueued event with a `pending` row for each handler it is accepted for. */
  accept(event: Event, handlers: string[]): Promise<void> {
    return this.#deps.store.acceptEvent(event, handlers)
  }

  /**
   * Ends a delivery with the outcome of its last attempt: records the idempotencyKey after a success of a publish
   * (at once when the Store can; a transport delivery's `succeeded` ledger row is its record, nothing more is
   * written), dead-letters after a failure (unless the policy says not to, it is a replay, or the bus shutdown
   * interrupted it), then ends it as `end` does. A Store failure ends it `failed`.
   */
  settle(
    entry: HandlerEntry,
    event: Event,
    mode: DeliveryMode,
    outcome: DeliveryOutcome,
  ): DeliveryOutcome | Promise<DeliveryOutcome> {
    // The common end (nothing to write but a transport delivery's row), small enough to be inlined where
    // deliveries end; the rest is `#settleWriting`.
    if (outcome.status === 'succeeded' && (mode.from === 'transport' || !entry.policy.idempotent))
      return this.end(event, mode, outcome)
    return this.#settleWriting(entry, event, mode, outcome)
  }

  /** `settle` of a success that writes the idempotencyKey, or of a failure. */
  #settleWriting(
    entry: HandlerEntry,
    event: Event,
    mode: DeliveryMode,
    outcome: DeliveryOutcome,
  ): DeliveryOutcome | Promise<DeliveryOutcome> {
    if (outcome.status === 'succeeded') {
      const { store } = this.#deps
      const key = event.metadata.idempotencyKey
      if (store.markProcessedSync === undefined)
        return this.#stored(store.markProcessed(key, entry.name), event, mode, outcome)
      try {
        store.markProcessedSync(key, entry.name)
      } catch (error) {
        return this.end(event, mode, this.#storeFailed(outcome, event, error))
      }
      return this.end(event, mode, outcome)
    }
    if (entry.policy.deadLetter === false || mode.from === 'replay' || this.#deps.shutdown.aborted)
      return this.end(event, mode, outcome)
    // A handler that did not run (see `DeliveryNotRunError`) failed nothing that a replay could fix.
    if (outcome.status === 'unrouted' || outcome.error?.code === 'E_FILTER')
      return this.end(event, mode, outcome)
    return this.#stored(this.#deadLetter(event, outcome), event, mode, {
      ...outcome,
      status: 'dead_lettered',
    })
  }

  /**
   * Ends a delivery: reports the outcome to the observers and, for a transport delivery, writes its ledger row.
   * Returns the outcome.
   */
  end(event: Event, mode: DeliveryMode, outcome: DeliveryOutcome): DeliveryOutcome {
    return this.#final(event, outcome, mode.from === 'transport')
  }

  /** Ends the delivery of a handler that matched but does not run (unrouted, or its filter threw). */
  skipped(event: Event, mode: DeliveryMode, handler: string, reach: Reach): DeliveryOutcome {
    const status = reach.status ?? 'unrouted'
    const outcome: DeliveryOutcome = { handler, status, attempts: 0, durationMs: 0 }
    if (status === 'failed') outcome.error = notRun(event, handler, 'E_FILTER', reach.reason, reach.cause)
    return this.end(event, mode, outcome)
  }

  /** Ends `unrouted` a delivery whose handler unsubscribed while it waited at its gates. */
  unsubscribed(event: Event, mode: DeliveryMode, handler: string): DeliveryOutcome {
    const error = notRun(event, handler, 'E_UNROUTED', 'handler no longer subscribed')
    return this.end(event, mode, { handler, status: 'unrouted', attempts: 0, durationMs: 0, error })
  }

  /** Ends a delivery whose idempotencyKey the handler already handled. */
  duplicate(event: Event, mode: DeliveryMode, handler: string): DeliveryOutcome {
    return this.end(event, mode, { handler, status: 'skipped_duplicate', attempts: 0, durationMs: 0 })
  }

  /** Ends `failed` a delivery the Store could not answer for (idempotency lookup), before any attempt. */
  unanswered(event: Event, mode: DeliveryMode, handler: string, error: unknown): DeliveryOutcome {
    const failure = notRun(event, handler, 'E_STORE', `store: ${(error as Error).message}`, error)
    return this.end(event, mode, { handler, status: 'failed', attempts: 0, durationMs: 0, error: failure })
  }

  /** Records that a transport delivery will be tried again (`retrying` row). */
  retrying(event: Event, handler: string, retry: Retry): void {
    const { attempts, error, trace } = retry
    this.#row(event, handler, 'retrying', { attempts, durationMs: 0, error, trace })
  }

  /**
   * Ends as `unrouted` a delivery accepted for a handler that no longer wants it (filtered out, deselected, or
   * no longer subscribed at `resume`), with `error` saying why; written to the ledger and reported to observers.
   */
  unrouted(event: Event, handler: string, reason: string): void {
    const error = notRun(event, handler, 'E_UNROUTED', reason)
    const outcome: DeliveryOutcome = { handler, status: 'unrouted', attempts: 0, durationMs: 0, error }
    this.#final(event, outcome, true)
  }

  /**
   * Ends as `skipped_duplicate` every `pending` ledger row of an enqueued event that the transport dropped as a
   * duplicate of another event with its idempotencyKey (no handler will receive it), so it completes as it
   * would for idempotent handlers on a transport that delivers it. Rows already past `pending` keep their
   * state. Resolves once the rows are in the Store.
   */
  async droppedDuplicate(event: Event): Promise<void> {
    const reason = `dropped by the transport: idempotencyKey "${event.metadata.idempotencyKey}" already accepted`
    for (const { handler, status } of await this.#deps.store.deliveries(event.id)) {
      if (status !== 'pending') continue
      const outcome: DeliveryOutcome = {
        handler,
        status: 'skipped_duplicate',
        attempts: 0,
        durationMs: 0,
        error: notRun(event, handler, 'E_DUPLICATE', reason),
      }
      this.#final(event, outcome, true)
    }
    await this.#ledger.flush()
  }

  /** A dead letter whose replay succeeded is done: removes it (false when it was already gone). */
  replayed(deadLetterId: string): Promise<boolean> {
    return this.#deps.store.deleteDeadLetter(deadLetterId)
  }

  /** The outcome once `write` is done, or the Store's failure as the outcome. */
  async #stored(
    write: Promise<void>,
    event: Event,
    mode: DeliveryMode,
    outcome: DeliveryOutcome,
  ): Promise<DeliveryOutcome> {
    try {
      await write
    } catch (error) {
      return this.end(event, mode, this.#storeFailed(outcome, event, error))
    }
    return this.end(event, mode, outcome)
  }

  async #deadLetter(event: Event, outcome: DeliveryOutcome): Promise<void> {
    const { handler, attempts } = outcome
    const failedAt = new Date().toISOString()
    const error = outcome.error?.message ?? ''
    const deadLetter = { id: uuidv7(), event, handler, attempts, error, failedAt }
    await this.#deps.store.addDeadLetter(deadLetter)
    if (this.#deps.observers.active) this.#deps.observers.deadLettered(deadLetter)
  }

  /** Handler failures are outcomes; only the Store throws here. Report it rather than reject publish. */
  #storeFailed(outcome: DeliveryOutcome, event: Event, storeError: unknown): DeliveryOutcome {
    const { handler, attempts } = outcome
    this.#deps.logger.error({ err: storeError, handler, eventId: event.id }, 'delivery failed in the store')
    const message = `store: ${(storeError as Error).message}`
    return {
      handler,
      status: 'failed',
      attempts,
      durationMs: 0,
      error: notRun(event, handler, 'E_STORE', message, storeError),
    }
  }

  /** Reports a final outcome to the observers and, when `inLedger`, writes its row. */
  #final(event: Event, outcome: DeliveryOutcome, inLedger: boolean): DeliveryOutcome {
    if (this.#deps.observers.active) this.#deps.observers.outcome(event, outcome)
    if (inLedger) this.#row(event, outcome.handler, outcome.status, outcome)
    return outcome
  }

  #row(
    event: Event,
    handler: string,
    status: DeliveryStatus | 'retrying',
    {
      attempts,
      durationMs,
      error,
      trace,
    }: Pick<DeliveryOutcome, 'attempts' | 'durationMs' | 'error' | 'trace'>,
  ): void {
    const record: DeliveryRecord = {
      eventId: event.id,
      handler,
      status,
      attempts,
      durationMs,
      updatedAt: isoNow(),
    }
    if (error) record.error = error
    if (trace !== undefined) record.traces = [trace]
    const finished = status !== 'retrying' && this.#deps.reportsCompletion() ? event : undefined
    this.#ledger.write(record, finished)
  }
}

/** The error of a delivery that ended without an attempt of its own (see `DeliveryNotRunError`). */
function notRun(
  event: Event,
  handler: string,
  code: ConstructorParameters<typeof DeliveryNotRunError>[0],
  reason: string,
  cause?: unknown,
): DeliveryError {
  const error = new DeliveryNotRunError(code, reason, cause === undefined ? undefined : { cause })
  return toDeliveryError(error, { handler, eventId: event.id, attempt: 0 })
}
