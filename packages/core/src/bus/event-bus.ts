import { performance } from 'node:perf_hooks'
import { v7 as uuidv7 } from 'uuid'
import type { BatchHandler, DeliveryOutcome, DeliveryReport, Handler } from '../delivery/delivery.js'
import {
  type DeliveryPolicyOverrides,
  defaultDeliveryPolicy,
  resolvePolicy,
} from '../delivery/delivery-policy.js'
import type { HandlerEntry } from '../delivery/handler-entry.js'
import type { HandlerSlot } from '../delivery/handler-slot.js'
import { ClosedError, ConfigError, EventValidationError } from '../errors.js'
import type { Event, EventMap } from '../event/event.js'
import { type EventLimits, resolveEventLimits } from '../event/event-limits.js'
import type { EventOf, EventTypeOf, PatternData } from '../event/typed-events.js'
import { builtinExtensionPoints } from '../extensions/extension-point.js'
import { ExtensionRegistry } from '../extensions/extension-registry.js'
import { FlowControls } from '../flow/flow-controls.js'
import type { BatchOptions, FlowOptions } from '../flow/flow-options.js'
import { MemoryFlowState } from '../flow/memory-flow-state.js'
import { noopLogger } from '../noop-logger.js'
import { DispatchPlanner } from '../routing/dispatch-plan.js'
import type { RouteTable } from '../routing/route-table.js'
import { type DeliverAtOptions, dueMsOf, resolveDeliverAt } from '../schedule/deliver-at.js'
import { MemoryStore } from '../store/memory-store.js'
import type { Store } from '../store/store.js'
import { BusTracer } from '../telemetry/bus-tracer.js'
import { InProcessTransport } from '../transport/in-process-transport.js'
import type { Transport } from '../transport/transport.js'
import { explainEvent, routeWarnings } from './bus-inspection.js'
import { type BusObserver, BusObservers } from './bus-observers.js'
import { type BusParts, createBusParts } from './bus-parts.js'
import { replayDeadLetter, resumeUnfinished } from './bus-recovery.js'
import { BusShutdown } from './bus-shutdown.js'
import type {
  CloseOptions,
  EnqueueOptions,
  EventBusOptions,
  Explanation,
  HandlerHold,
  HandlerSelection,
  ResumeOptions,
  SubscribeOptions,
  Subscription,
  SubscriptionInfo,
} from './bus-types.js'
import { type HandlerReplayOptions, type HandlerReplaySummary, replayHandler } from './handler-replay.js'
import { PublishPath } from './publish-path.js'
import { SubscriptionLifecycle } from './subscription-lifecycle.js'

/** How long `close()` lets in-flight work finish before it aborts the handlers' signals. */
const CLOSE_TIMEOUT_MS = 10_000
const DEFAULT_MAX_CRASHES = 3
const { afterDispatch } = builtinExtensionPoints

/**
 * The event bus: handlers subscribe to patterns under unique names; `publish` dispatches in this process and
 * resolves to a `DeliveryReport`; `enqueue` accepts into the Store and dispatches in the background through the
 * Transport. Handlers run concurrently and isolated, with timeout, retries with backoff, dead letters,
 * idempotency, orderingKey serialisation, per-handler concurrency, routes and filters.
 * Type it with an event map to have `publish` and `subscribe` check payloads at compile time.
 *
 * @example
 * ```ts
 * interface Events extends EventMap { 'order.created': { id: string } }
 * const bus = new EventBus<Events>()
 * bus.subscribe('order.*', async (event) => console.log(event.data.id), { name: 'order_logger' })
 * const report = await bus.publish(createEvent('order.created', { id: 'o-1' }))
 * ```
 */
export class EventBus<M extends EventMap = EventMap> {
  readonly extensions: ExtensionRegistry
  readonly store: Store
  readonly transport: Transport
  /** The bounds publish and enqueue check events against (`EventBusOptions.limits` with the defaults). */
  readonly limits: Readonly<EventLimits>
  #planner = new DispatchPlanner()
  #observers: BusObservers
  #parts: BusParts
  #publishing: PublishPath
  #lifecycle: SubscriptionLifecycle
  #end: BusShutdown
  #closing: Promise<void> | undefined
  #tracer: BusTracer | undefined
  #flow: FlowControls

  constructor(options: EventBusOptions = {}) {
    const logger = options.logger ?? noopLogger
    this.store = options.store ?? new MemoryStore()
    this.transport = options.transport ?? new InProcessTransport()
    this.extensions = options.extensions ?? new ExtensionRegistry({ logger })
    const defaults = resolvePolicy(defaultDeliveryPolicy, options.defaults ?? {}, 'delivery defaults')
    this.limits = resolveEventLimits(options.limits)
    const maxCrashes = options.maxCrashes ?? DEFAULT_MAX_CRASHES
    if (!Number.isInteger(maxCrashes) || maxCrashes < 1)
      throw new ConfigError(`maxCrashes: expected an integer >= 1, got ${String(maxCrashes)}`)
    if (options.routes !== undefined) this.#planner.setRoutes(options.routes)
    if (options.handlerSelection !== undefined) this.#planner.setSelection(options.handlerSelection)
    this.#tracer = options.tracer === undefined ? undefined : new BusTracer(options.tracer)
    this.#observers = new BusObservers((error) => logger.error({ err: error }, 'bus observer threw'))
    this.#parts = createBusParts({
      store: this.store,
      transport: this.transport,
      logger,
      extensions: this.extensions,
      planner: this.#planner,
      observers: this.#observers,
      reportsCompletion: () => this.#publishing.reportsCompletion(),
      maxCrashes,
      tracer: this.#tracer,
      nodeId: uuidv7(),
    })
    const { slots, consumers, deliverer } = this.#parts
    this.#publishing = new PublishPath(
      this.extensions,
      this.#observers,
      this.#planner,
      deliverer,
      this.limits,
    )
    const flowState =
      options.flowState ??
      (this.transport.local === true ? undefined : this.store.flowState) ??
      new MemoryFlowState()
    this.#flow = new FlowControls(flowState, this.#parts.shutdown.signal)
    if (options.flowOverrides !== undefined) this.#flow.setOverrides(options.flowOverrides)
    this.#lifecycle = new SubscriptionLifecycle(defaults, slots, this.#planner, consumers, this.#flow)
    this.#end = new BusShutdown(this.#parts)
  }

  /**
   * Subscribes `handler` to `pattern` under a unique snake_case name. Throws `InvalidHandlerNameError`,
   * `DuplicateHandlerError`, `InvalidPatternError` or `ConfigError` (bad policy) synchronously.
   */
  subscribe<P extends string>(
    pattern: P,
    handler: BatchHandler<PatternData<M, P>>,
    options: SubscribeOptions<PatternData<M, P>> & { batch: BatchOptions },
  ): Subscription
  subscribe<P extends string>(
    pattern: P,
    handler: Handler<PatternData<M, P>>,
    options: SubscribeOptions<PatternData<M, P>>,
  ): Subscription
  subscribe<P extends string>(
    pattern: P,
    handler: Handler<PatternData<M, P>> | BatchHandler<PatternData<M, P>>,
    options: SubscribeOptions<PatternData<M, P>>,
  ): Subscription {
    this.#assertOpen()
    return this.#lifecycle.subscribe(pattern, handler as Handler, options as SubscribeOptions)
  }

  /** Dispatches in this process; resolves once every matched handler reached a final state. Never rejects for a handler's failure. */
  publish<K extends EventTypeOf<M>>(event: EventOf<M, K>): Promise<DeliveryReport> {
    // Not an async function: a publish to several handlers returns the promise its outcome collector resolves
    // with the report, instead of awaiting it to return a new one. What throws rejects, as it would there.
    try {
      this.#assertOpen()
      const prepared = this.#publishing.prepare(event)
      if (prepared instanceof Promise) return prepared.then((accepted) => this.#deliver(accepted))
      return this.#deliver(prepared)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** `publish` of an event past its limits and `event.before_publish`. */
  #deliver(prepared: Event): Promise<DeliveryReport> {
    const accepted = this.#tracer === undefined ? prepared : this.#tracer.published(prepared)
    const plan = this.#planner.plan(accepted.type)
    // The common case of one handler: no outcome collector.
    const reporting =
      plan.direct && plan.entries.length === 1
        ? this.#deliverOne(plan.entries[0]!.slot, accepted)
        : this.#publishing.dispatch(plan, accepted)
    if (!this.#publishing.hasAfterDispatch) return reporting
    return this.#afterDispatch(accepted, reporting)
  }

  async #deliverOne(slot: HandlerSlot<HandlerEntry>, event: Event): Promise<DeliveryReport> {
    const outcome = this.#parts.deliverer.direct(slot, event, performance.now())
    return { eventId: event.id, outcomes: [outcome instanceof Promise ? await outcome : outcome] }
  }

  /** Runs `event.after_dispatch` with the report once it is in, then resolves to it. */
  async #afterDispatch(event: Event, reporting: Promise<DeliveryReport>): Promise<DeliveryReport> {
    const report = await reporting
    await this.extensions.runAction(afterDispatch, { event, report })
    return report
  }

  /**
   * Accepts the event into the Store and the Transport, then returns; handlers run in the background. Once all of
   * them reached a final state, `event.after_dispatch` runs with the report made of their ledger records. When
   * the transport drops the event as a duplicate of another one with its idempotencyKey (JetStream), its
   * deliveries end `skipped_duplicate` before this resolves.
   *
   * With `deliverAt` or `delayMs` (or an event whose `metadata.deliverAt` is set: this sets it), the event is
   * kept in the Store and handed to the transport when due; until then its deliveries are `scheduled` in the
   * ledger, with the due time. Due events run once, also after a restart or (on NATS) on another node. A
   * `deliverAt` that is not RFC 3339 or lies more than 7 days in the past throws `EventValidationError`.
   *
   * @example
   * ```ts
   * await bus.enqueue(createEvent('card.charge', { orderId: 'o-1' }), { delayMs: 24 * 60 * 60 * 1000 })
   * ```
   */
  async enqueue<K extends EventTypeOf<M>>(
    event: EventOf<M, K>,
    options?: EnqueueOptions,
  ): Promise<{ id: string }> {
    this.#assertOpen()
    const prepared = this.#publishing.prepare(options === undefined ? event : withDeliverAt(event, options))
    let accepted = prepared instanceof Promise ? await prepared : prepared
    // Inline, not in a callback: an untraced enqueue resolves in as few ticks as it always did.
    const publish = this.#tracer?.startPublish(accepted, options?.traceContext)
    if (publish !== undefined) accepted = publish.event
    try {
      const handlers = this.#publishing.enqueueTargets(this.#planner.plan(accepted.type), accepted)
      if (handlers.length > 0 && this.#publishing.hasAfterDispatch)
        this.#parts.completion.accepted(accepted, handlers)
      // Checked before acceptance: a bad metadata.deliverAt (set by hand) leaves nothing behind.
      const dueMs = accepted.metadata.deliverAt === undefined ? undefined : laterDueMs(accepted)
      await this.#parts.recorder.accept(accepted, handlers)
      if (dueMs !== undefined) {
        if (handlers.length > 0) await this.#parts.delayed.schedule(accepted, handlers, dueMs)
        return { id: accepted.id }
      }
      if (this.#parts.consumers.busy) await this.#parts.consumers.ready()
      const published = await this.transport.publish(accepted)
      if (published?.duplicate === true && handlers.length > 0)
        await this.#parts.recorder.droppedDuplicate(accepted)
      if (handlers.length === 0 && this.#publishing.hasAfterDispatch)
        this.#parts.completion.report(accepted, { eventId: accepted.id, outcomes: [] })
    } catch (error) {
      publish?.failed(error)
      throw error
    } finally {
      publish?.end()
    }
    return { id: accepted.id }
  }

  /**
   * Resolves when no delivery is in flight or queued in this process, the ledger is written and the
   * `event.after_dispatch` actions of enqueued events have run.
   */
  drain(): Promise<void> {
    return this.#end.drain()
  }

  /**
   * Drains (handlers may still publish follow-up events meanwhile), then refuses new work, stops consumers and
   * closes the transport and the store. Work still in flight after `timeoutMs` (default 10 s; `Infinity` waits
   * for ever) is interrupted: every running attempt's `signal` aborts with a `ClosedError` and the attempt ends
   * at once, no attempt or retry starts any more, transport deliveries are handed back for redelivery (their
   * ledger row stays unfinished, so `resume` picks them up after a restart) and publish deliveries end `failed`
   * (neither dead-lettered nor marked processed). Calling it again returns the same promise.
   */
  close(options: CloseOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? CLOSE_TIMEOUT_MS
    if (!(timeoutMs >= 0)) return Promise.reject(new ConfigError('close timeoutMs: expected a number >= 0'))
    this.#closing ??= this.#end.close(timeoutMs)
    return this.#closing
  }

  /**
   * Hands the Store's unfinished events back to the transport, for the handlers not yet final; resolves to how
   * many events it handed back (none on a transport that keeps unacked events itself, such as JetStream). A
   * delivery that was running when the process died `maxCrashes` times (a poison event) is not handed back: it
   * ends `dead_lettered` with `E_CRASHED_PROCESS` and the crash count, and can be replayed. Call after subscribing. By default a handler name nobody subscribes gets its
   * deliveries too (the transport keeps them for the next consumer of the name). With `finalizeMissing`, its
   * deliveries end `unrouted` with error `handler no longer subscribed` instead, and the event can complete:
   * pass it once every plugin has started (a disabled or uninstalled plugin's handlers then count as gone).
   *
   * @example
   * ```ts
   * await bus.resume({ finalizeMissing: true })
   * ```
   */
  resume(options: ResumeOptions = {}): Promise<number> {
    return resumeUnfinished(this.#parts, options)
  }

  /**
   * Replaces the bus delivery defaults (config `delivery` after a reload) as if the bus had been made with them,
   * and re-resolves every subscription's policy. Precedence, member by member (`retry` too): what the
   * subscription set > these defaults > `defaultDeliveryPolicy`. So a handler subscribed without overrides
   * takes all of them, one that set `timeoutMs` keeps its timeout and takes the rest. New values apply from
   * the next attempt; a changed `concurrency` applies at once (waiting deliveries go in when it is raised) and
   * restarts the handler's transport consumer. Checked first: a bad value, or one that no longer fits a
   * subscription's own overrides, throws `ConfigError` and nothing changes.
   *
   * @example
   * ```ts
   * bus.setDefaults({ timeoutMs: 2000, retry: { attempts: 5 } })
   * ```
   */
  setDefaults(defaults: DeliveryPolicyOverrides): void {
    this.#lifecycle.setDefaults(defaults)
  }

  /**
   * Replaces the flow options per handler name (config `handlers`) that replace, option by option, what a
   * subscription sets. Checked first (a bad option throws `ConfigError` naming `handlers.<name>` and the old
   * ones stay). They apply to subscriptions made from now on and to running ones: a changed rate limit,
   * throttle, concurrency or priority applies from the next delivery (what the current window counted counts
   * against the new limit). Debounce and batch cannot change on a running handler (bursts and batches being
   * gathered hold deliveries under the old settings): such a change throws `ConfigError` naming the handler and
   * nothing changes; reload the handler's plugin to apply it.
   *
   * @example
   * ```ts
   * bus.setFlowOverrides({ charge_card: { throttle: { limit: 100, periodMs: 60_000 } } })
   * ```
   */
  setFlowOverrides(overrides: Readonly<Record<string, FlowOptions>>): void {
    this.#lifecycle.setFlowOverrides(overrides)
  }

  /** Replaces the route table at runtime; a malformed table throws `ConfigError` and the old one stays. */
  setRoutes(routes: RouteTable): void {
    this.#planner.setRoutes(routes)
  }

  /** One warning per handler named by a route that no subscription provides. */
  routeWarnings(): string[] {
    return routeWarnings(this.#planner, this.#parts.slots)
  }

  /** Config `enabled_handlers` / `disabled_handlers`: a deselected handler is not matched at all. */
  setHandlerSelection(selection: HandlerSelection): void {
    this.#planner.setSelection(selection)
  }

  /** A dry run: which subscribed handlers `event` would reach, and why or why not. */
  explain(event: Event): Explanation {
    return explainEvent(this.#planner, this.#parts.slots, event)
  }

  /**
   * Holds new deliveries to the named handlers (publish waits too) while those in flight finish (`settled`).
   * While held, a handler may be unsubscribed and another subscribed under its name: the name stays routed in
   * that gap (with the unsubscribed handler's pattern and filter), so events published or enqueued meanwhile
   * wait too, and on `release` every waiting delivery goes to the handler subscribed then. If none is, a
   * waiting publish delivery ends `unrouted` with error `handler no longer subscribed`, and an enqueued one
   * stays with the transport for the next consumer of the name.
   *
   * @example
   * ```ts
   * const hold = bus.hold(['audit_log'])
   * await hold.settled
   * await oldSubscription.unsubscribe()
   * bus.subscribe('order.*', newHandler, { name: 'audit_log' })
   * hold.release()
   * ```
   */
  hold(names: readonly string[]): HandlerHold {
    return this.#lifecycle.hold(names)
  }

  /** Runs a dead letter's handler again (with its retries, without dead-lettering again); deletes it on success. */
  replayDeadLetter(id: string): Promise<DeliveryOutcome> {
    return replayDeadLetter(this.#parts, id)
  }

  /**
   * Runs the stored events of a time window (within the Store's retention) through one handler again: to fill
   * a new handler with yesterday's events, or to re-run one after a fix. Oldest first, as many at once as its
   * concurrency allows, with its retries and without dead letters; `bypassIdempotency` runs even the events it
   * already handled. Resolves to how many ran, by status; `onProgress` hears of each.
   *
   * @example
   * ```ts
   * const since = new Date(Date.now() - 24 * 3600_000).toISOString()
   * const summary = await bus.replayHandler('search_indexer', { since, type: 'order.*' })
   * ```
   */
  replayHandler(handler: string, options: HandlerReplayOptions): Promise<HandlerReplaySummary> {
    this.#assertOpen()
    return replayHandler(this.#parts, handler, options)
  }

  subscriptions(): SubscriptionInfo[] {
    return this.#parts.slots.subscriptions()
  }

  /** Registers an observer; the returned function removes it. */
  observe(observer: BusObserver): () => void {
    return this.#observers.add(observer)
  }

  #assertOpen(): void {
    if (this.#end.closed) throw new ClosedError('the event bus')
  }
}

/**
 * When an event with `metadata.deliverAt` is due, or undefined when it is due already (it goes to the transport
 * now). Throws `EventValidationError` when the value is no date (`resolveDeliverAt` checks what it is given).
 */
function laterDueMs(event: Event): number | undefined {
  const dueMs = dueMsOf(event)
  if (dueMs === undefined || Number.isNaN(dueMs))
    throw new EventValidationError(
      `metadata.deliverAt: expected an RFC 3339 date-time, got ${JSON.stringify(event.metadata.deliverAt)}`,
    )
  return dueMs > Date.now() ? dueMs : undefined
}

/** The event with `metadata.deliverAt` set from `options` (validated), or as it is when they set no time. */
function withDeliverAt<E extends Event>(event: E, options: DeliverAtOptions): E {
  const deliverAt = resolveDeliverAt(options, Date.now())
  if (deliverAt === undefined) return event
  return Object.freeze({ ...event, metadata: Object.freeze({ ...event.metadata, deliverAt }) })
}
