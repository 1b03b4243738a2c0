import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Event } from '../event/event.js'
import type { BatchRun } from '../flow/batcher.js'
import type { FlowGate } from '../flow/flow-gate.js'
import { isFinalStatus } from '../ledger/delivery-status.js'
import type { Reach } from '../routing/dispatch-plan.js'
import type { Store } from '../store/store.js'
import type { BusTracer } from '../telemetry/bus-tracer.js'
import { TracedAttemptRunner } from '../telemetry/traced-attempt-runner.js'
import type { TransportMessage } from '../transport/transport.js'
import { AttemptContext } from './attempt-context.js'
import type { AttemptResult, Retry } from './attempt-result.js'
import { AttemptRunner, type RunnerDeps } from './attempt-runner.js'
import type { DeliveryOutcome } from './delivery.js'
import type { DeliveryMode } from './delivery-mode.js'
import type { DeliveryRecorder } from './delivery-recorder.js'
import type { HandlerEntry } from './handler-entry.js'
import type { HandlerSlot } from './handler-slot.js'
import type { OutcomeSink } from './outcome-collector.js'

/** What a delivery needs from its bus. */
export interface DelivererDeps extends RunnerDeps {
  /** Read for idempotency; every write goes through the recorder. */
  store: Store
  recorder: DeliveryRecorder
  /**
   * Whether transport deliveries record their start before the handler runs, for `resume` to find poison
   * events. Off on a transport that keeps unacked events (JetStream), whose redelivery limit bounds them.
   */
  recordsStarts: boolean
  /** Traces every attempt when set (`EventBusOptions.tracer`). */
  tracer?: BusTracer | undefined
}

const GATED: DeliveryMode = Object.freeze({ from: 'publish', holds: 'nothing' })
const HOLDING_SLOT: DeliveryMode = Object.freeze({ from: 'publish', holds: 'slot' })
const HOLDING_SLOT_AND_KEY: DeliveryMode = Object.freeze({ from: 'publish', holds: 'slot-and-key' })
const REPLAY: DeliveryMode = Object.freeze({ from: 'replay' })
const REPLAY_ANEW: DeliveryMode = Object.freeze({ from: 'replay', anew: true })

let captured: ((result: AttemptResult) => void) | undefined
/** A promise executor shared by every delivery: hands out the resolver without allocating a closure per promise. */
const capture = (resolve: (result: AttemptResult) => void): void => {
  captured = resolve
}

/**
 * Owns each delivery from its gates to its end: hold, orderingKey chain, concurrency, idempotency, then the
 * attempts (each run by the `AttemptRunner`), the waits between them, and the end, recorded by the
 * `DeliveryRecorder`. `direct` (publish) retries in place and skips every gate it can: an event with no
 * orderingKey to a handler that is not held and has a free slot goes straight to its attempt (for an idempotent
 * handler, when the Store answers idempotency synchronously and no duplicate is in flight).
 * `fromTransport` records the start of the delivery before its handler runs (so a process dying in it is
 * counted, see `Store.recordAttemptStarts`), then acks, or naks to retry later unless the event is ordered.
 *
 * @example
 * ```ts
 * const outcome = await deliverer.direct(slot, event, performance.now())
 * ```
 */
export class Deliverer {
  #runner: AttemptRunner
  #recorder: DeliveryRecorder
  #store: Store
  #shutdown: AbortSignal
  #recordsStarts: boolean

  constructor(deps: DelivererDeps) {
    this.#recordsStarts = deps.recordsStarts
    const settled = (ctx: AttemptContext, result: AttemptResult): void => {
      const sink = ctx.sink
      // The common end of one of several handlers of a publish (see `#succeeded`); a Retry has no status.
      if (
        ctx.mode === HOLDING_SLOT &&
        sink !== undefined &&
        (result as DeliveryOutcome).status === 'succeeded' &&
        !ctx.entry.policy.idempotent
      )
        this.#succeeded(ctx, result as DeliveryOutcome, sink)
      else this.#hand(ctx, this.#after(ctx, result))
    }
    this.#runner =
      deps.tracer === undefined
        ? new AttemptRunner(deps, settled)
        : new TracedAttemptRunner(deps, settled, deps.tracer)
    this.#recorder = deps.recorder
    this.#store = deps.store
    this.#shutdown = deps.shutdown
  }

  /**
   * One delivery with retries in place; never rejects. `start` is the clock reading of the publish (one read
   * for all its handlers). `replay` runs a dead letter again (it is not dead-lettered again).
   */
  direct(
    slot: HandlerSlot<HandlerEntry>,
    event: Event,
    start: number,
    replay = false,
  ): Promise<DeliveryOutcome> | DeliveryOutcome {
    const fast = replay ? undefined : this.#tryFast(slot, event)
    if (fast === undefined) return this.#gatedDirect(slot, event, replay)
    if ('status' in fast) return fast
    // A publish never ends in a Retry.
    return this.#run(new AttemptContext(slot.entry!, event, 1, start, fast)) as
      | Promise<DeliveryOutcome>
      | DeliveryOutcome
  }

  /** `direct` for one of several handlers of a publish: the outcome goes to `sink.put(index, outcome)`. */
  directInto(
    slot: HandlerSlot<HandlerEntry>,
    event: Event,
    start: number,
    sink: OutcomeSink,
    index: number,
  ): void {
    const fast = this.#tryFast(slot, event)
    if (fast === undefined) this.#gatedInto(slot, event, sink, index)
    else if ('status' in fast) sink.put(index, fast)
    else {
      const ctx = new AttemptContext(slot.entry!, event, 1, start, fast)
      ctx.sink = sink
      ctx.index = index
      const result = this.#runner.run(ctx)
      if (result !== undefined) this.#hand(ctx, this.#after(ctx, result))
    }
  }

  /**
   * `directInto` through the gates. Its own method: a function that makes a closure over its parameters
   * allocates their context on every call, also when it takes the branch without the closure.
   */
  #gatedInto(slot: HandlerSlot<HandlerEntry>, event: Event, sink: OutcomeSink, index: number): void {
    void this.#gatedDirect(slot, event, false).then((outcome) => sink.put(index, outcome))
  }

  /**
   * Handles one transport message for the slot's handler; `reaches` re-checks selection, routes and filter. A
   * handler that is filtered out or deselected now but has an unfinished ledger row (it was accepted at enqueue)
   * ends `unrouted` with the reason as error, so the event completes; without a row the message is only acked.
   */
  fromTransport(
    slot: HandlerSlot<HandlerEntry>,
    message: TransportMessage,
    reaches: (entry: HandlerEntry, event: Event) => Reach,
  ): Promise<void> {
    const entry = slot.entry
    // Nothing to wait for (no hold, no orderingKey chain, a free slot): no gate, and two promises less.
    if (
      entry !== undefined &&
      entry.flow === undefined &&
      !slot.held &&
      message.event.metadata.orderingKey === undefined &&
      entry.tryAcquire()
    ) {
      entry.begin()
      return this.#consume(entry, message, reaches, true)
    }
    return this.#gatedConsume(slot, message, reaches)
  }

  async #gatedConsume(
    slot: HandlerSlot<HandlerEntry>,
    message: TransportMessage,
    reaches: (entry: HandlerEntry, event: Event) => Reach,
  ): Promise<void> {
    const handled = await this.#gated(slot, message.event, async (entry) => {
      await this.#consume(entry, message, reaches, false)
      return true
    })
    // No handler under this name any more: leave the message to the next consumer of the name.
    if (handled === undefined) await message.nak(0)
  }

  /** Handles one transport message for `entry`; gives back the slot it `holdsSlot` for at the end. */
  async #consume(
    entry: HandlerEntry,
    message: TransportMessage,
    reaches: (entry: HandlerEntry, event: Event) => Reach,
    holdsSlot: boolean,
  ): Promise<void> {
    const { event } = message
    let holding = holdsSlot
    try {
      const reach = reaches(entry, event)
      if (!reach.reached && reach.status === undefined) {
        // The Store is read only here: such messages are rare unless a handler is deselected for a while.
        if (await this.#awaited(event.id, entry.name))
          this.#recorder.unrouted(event, entry.name, reach.reason)
        await message.ack()
        return
      }
      const mode: DeliveryMode = { from: 'transport', message }
      const result = reach.reached
        ? await this.#once(entry, event, message.attempt, mode)
        : this.#recorder.skipped(event, mode, entry.name, reach)
      // The slot goes back before the ack: an in-process transport hands its next message over inside the ack,
      // which then finds a free slot and takes the ungated way.
      if (holding) {
        holding = false
        entry.release()
      }
      if ('retryAfterMs' in result) {
        this.#recorder.retrying(event, entry.name, result)
        await message.nak(result.retryAfterMs)
      } else await message.ack()
    } finally {
      if (holding) entry.release()
      if (holdsSlot) entry.end()
    }
  }

  /** Ends the delivery of a handler that matched an event of a publish but does not run (unrouted, or its filter threw). */
  skipped(event: Event, handler: string, reach: Reach): DeliveryOutcome {
    return this.#recorder.skipped(event, GATED, handler, reach)
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
  #tryFast(slot: HandlerSlot<HandlerEntry>, event: Event): DeliveryMode | DeliveryOutcome | undefined {
    const entry = slot.entry
    if (
      entry === undefined ||
      entry.flow !== undefined ||
      slot.held ||
      event.metadata.orderingKey !== undefined
    )
      return undefined
    if (!entry.policy.idempotent) {
      if (!entry.tryAcquire()) return undefined
      entry.begin()
      return HOLDING_SLOT
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
      return HOLDING_SLOT_AND_KEY
    }
    entry.release()
    entry.releaseKey(key)
    return processed ? this.#recorder.duplicate(event, GATED, entry.name) : undefined
  }

  /**
   * Runs a stored event through one handler again (`EventBus.replayHandler`), through its gates, with retries in
   * place and no dead letter; `anew` runs it even when the handler already handled its idempotencyKey.
   */
  replay(slot: HandlerSlot<HandlerEntry>, event: Event, anew: boolean): Promise<DeliveryOutcome> {
    return this.#gatedDirect(slot, event, true, anew ? REPLAY_ANEW : REPLAY)
  }

  async #gatedDirect(
    slot: HandlerSlot<HandlerEntry>,
    event: Event,
    replay: boolean,
    mode: DeliveryMode = replay ? REPLAY : GATED,
  ): Promise<DeliveryOutcome> {
    const outcome = await this.#gated(slot, event, (entry) => this.#once(entry, event, 1, mode), replay)
    if (outcome !== undefined) return outcome as DeliveryOutcome
    return this.#recorder.unsubscribed(event, mode, slot.name)
  }

  /**
   * Waits out the hold, the orderingKey chain and the concurrency limit; undefined when the handler is gone. A
   * flow-controlled handler's concurrency is its flow gate's (`#flowed`), except for a `replay`.
   */
  async #gated<T>(
    slot: HandlerSlot<HandlerEntry>,
    event: Event,
    work: (entry: HandlerEntry) => Promise<T>,
    replay = false,
  ): Promise<T | undefined> {
    if (slot.held) await slot.released()
    const entry = slot.entry
    if (entry === undefined) return undefined
    entry.begin()
    const key = event.metadata.orderingKey
    const turn = key === undefined ? undefined : entry.takeTurn(key)
    try {
      if (turn?.previous !== undefined) await turn.previous
      if (entry.flow !== undefined && !replay) return await work(entry)
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
  async #once(entry: HandlerEntry, event: Event, first: number, mode: DeliveryMode): Promise<AttemptResult> {
    if (!entry.policy.idempotent || (mode.from === 'replay' && mode.anew === true)) {
      if (mode.from === 'transport' && this.#recordsStarts) await this.#started(event, entry.name, mode)
      return this.#start(entry, event, first, mode)
    }
    const key = event.metadata.idempotencyKey
    while (!entry.claimKey(key)) await entry.keyReleased(key)
    let recorded: Promise<void> | undefined
    try {
      const store = this.#store
      const processed = store.isProcessedSync?.(key, entry.name) ?? (await store.isProcessed(key, entry.name))
      if (processed) return this.#recorder.duplicate(event, mode, entry.name)
      if (mode.from === 'transport' && this.#recordsStarts) await this.#started(event, entry.name, mode)
      const result = await this.#start(entry, event, first, mode)
      // A transport delivery's idempotency record may go with its ledger row, after the ack: a duplicate waits.
      if (mode.from === 'transport') recorded = this.#recorder.written()
      return result
    } catch (error) {
      return this.#recorder.unanswered(event, mode, entry.name, error)
    } finally {
      if (recorded === undefined) entry.releaseKey(key)
      else void recorded.then(() => entry.releaseKey(key))
    }
  }

  /** Runs the attempts of a delivery past its gates, through the handler's flow control when it has any. */
  #start(
    entry: HandlerEntry,
    event: Event,
    first: number,
    mode: DeliveryMode,
  ): AttemptResult | Promise<AttemptResult> {
    const flow = entry.flow
    if (flow === undefined || mode.from === 'replay')
      return this.#run(new AttemptContext(entry, event, first, performance.now(), mode))
    return this.#flowed(flow, entry, event, first, mode)
  }

  /**
   * A delivery through flow control: ends `rate_limited` or `debounced` there, shares the result of the batch
   * it joined, or runs once admitted (with its batch's events) and gives back what admission took. A transport
   * message is kept alive while it waits; the bus shutting down first interrupts it like an attempt.
   */
  async #flowed(
    flow: FlowGate,
    entry: HandlerEntry,
    event: Event,
    first: number,
    mode: DeliveryMode,
  ): Promise<AttemptResult> {
    const unhold = mode.from === 'transport' ? flow.hold(mode.message) : undefined
    let batch: BatchRun | undefined
    try {
      let release: () => void
      try {
        const pass = await flow.pass(event)
        if (pass.kind === 'ended') {
          const outcome = { handler: entry.name, status: pass.status, attempts: 0, durationMs: 0 }
          return this.#recorder.end(event, mode, outcome)
        }
        if (pass.kind === 'member') {
          const result = await pass.result
          if ('retryAfterMs' in result) return result
          return await this.#recorder.settle(entry, event, mode, { ...result, handler: entry.name })
        }
        batch = pass.batch
        release = await flow.admit(event)
      } catch (error) {
        const ctx = new AttemptContext(entry, event, first, performance.now(), mode)
        ctx.batch = batch
        if (this.#shutdown.aborted) return this.#after(ctx, this.#runner.interrupted(ctx))
        const failed = this.#recorder.unanswered(event, mode, entry.name, error)
        batch?.ended(failed)
        return failed
      }
      // The attempt's deadline counts from now, not from when the delivery began waiting.
      const ctx = new AttemptContext(entry, event, first, performance.now(), mode)
      ctx.batch = batch
      try {
        return await this.#run(ctx)
      } finally {
        release()
      }
    } finally {
      unhold?.()
    }
  }

  /** Records the start of a transport delivery (see `DeliveryRecorder.started`). */
  #started(event: Event, handler: string, mode: DeliveryMode & { from: 'transport' }): Promise<void> {
    return this.#recorder.started(event, handler, mode.message.attempt > 1)
  }

  /** Runs a delivery from the attempt `ctx` to its end, or to a retry the transport schedules. */
  #run(ctx: AttemptContext): AttemptResult | Promise<AttemptResult> {
    const result = this.#runner.run(ctx)
    if (result !== undefined) return this.#after(ctx, result)
    const promise = new Promise<AttemptResult>(capture)
    ctx.resolve = captured
    return promise
  }

  /** What follows an attempt: the next attempt after the retry wait, a retry for the transport, or the end. */
  #after(ctx: AttemptContext, result: AttemptResult): AttemptResult | Promise<AttemptResult> {
    if (!('retryAfterMs' in result)) return this.#end(ctx, result)
    const { mode } = ctx
    // Ordered and flow-controlled deliveries retry in place: their turn, batch and admission go with them.
    const handedBack =
      mode.from === 'transport' &&
      ((ctx.event.metadata.orderingKey === undefined && ctx.entry.flow === undefined) ||
        this.#shutdown.aborted)
    if (!handedBack) return this.#retry(ctx, result)
    ctx.batch?.ended(result)
    return result
  }

  /** Waits out a retry's backoff in place, then runs the next attempt. */
  async #retry(ctx: AttemptContext, retry: Retry): Promise<AttemptResult> {
    const { entry, event, attempt, start, mode } = ctx
    // A transport must not presume a long wait lost.
    if (mode.from === 'transport') mode.message.working()
    try {
      await sleep(retry.retryAfterMs, undefined, { signal: this.#shutdown })
    } catch {
      return this.#after(ctx, this.#runner.interrupted(ctx))
    }
    if (mode.from === 'transport') mode.message.working()
    const next = new AttemptContext(entry, event, attempt + 1, start, mode, performance.now())
    next.batch = ctx.batch
    return this.#run(next)
  }

  /** Ends a delivery with its outcome (recorded), then gives back what it held past the gates. */
  #end(ctx: AttemptContext, outcome: DeliveryOutcome): DeliveryOutcome | Promise<DeliveryOutcome> {
    // The other deliveries of a batch settle with its outcome as their own (idempotency record, dead letter).
    ctx.batch?.ended(outcome)
    const ended = this.#recorder.settle(ctx.entry, ctx.event, ctx.mode, outcome)
    if (ctx.mode.from !== 'publish' || ctx.mode.holds === 'nothing') return ended
    if (!(ended instanceof Promise)) {
      release(ctx)
      return ended
    }
    return ended.then((settled) => {
      release(ctx)
      return settled
    })
  }

  /**
   * `#hand(ctx, #after(ctx, outcome))` of a success of a publish to a handler that is not idempotent, past no gate
   * but its slot: nothing to write, no promise to wait for, so none to check for.
   */
  #succeeded(ctx: AttemptContext, outcome: DeliveryOutcome, sink: OutcomeSink): void {
    const ended = this.#recorder.end(ctx.event, HOLDING_SLOT, outcome)
    const { entry } = ctx
    entry.release()
    entry.end()
    sink.put(ctx.index, ended)
  }

  /** Hands a delivery's result to its sink or its promise, once it is known. */
  #hand(ctx: AttemptContext, result: AttemptResult | Promise<AttemptResult>): void {
    if (result instanceof Promise) this.#handLater(ctx, result)
    else if (ctx.sink === undefined) ctx.resolve?.(result)
    else ctx.sink.put(ctx.index, result as DeliveryOutcome)
  }

  /** `#hand` once `result` settles (its own method, for the reason given at `#gatedInto`). */
  #handLater(ctx: AttemptContext, result: Promise<AttemptResult>): void {
    void result.then((settled) => this.#hand(ctx, settled))
  }
}

/** Gives back the slot, in-flight count and (for `slot-and-key`) the key claim of a publish past the gates. */
function release({ entry, event, mode }: AttemptContext): void {
  entry.release()
  entry.end()
  if (mode.from === 'publish' && mode.holds === 'slot-and-key')
    entry.releaseKey(event.metadata.idempotencyKey)
}
