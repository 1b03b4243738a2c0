import { performance } from 'node:perf_hooks'
import { explainEvent, routeWarnings } from './bus-inspection.js'
import { type BusObserver, BusObservers } from './bus-observers.js'
import type {
  CloseOptions,
  EventBusOptions,
  Explanation,
  HandlerHold,
  HandlerSelection,
  ResumeOptions,
  SubscribeOptions,
  Subscription,
  SubscriptionInfo,
} from './bus-types.js'
import { ConsumerManager } from './consumer-manager.js'
import { DeadlineList } from './deadline-list.js'
import { Deliverer } from './deliverer.js'
import type { DeliveryOutcome, DeliveryPolicy, DeliveryReport, Handler } from './delivery.js'
import { type DeliveryPolicyOverrides, defaultDeliveryPolicy, resolvePolicy } from './delivery-policy.js'
import { DispatchCompletion } from './dispatch-completion.js'
import { DispatchPlanner, type Reach, type TypePlan } from './dispatch-plan.js'
import {
  ClosedError,
  ConfigError,
  DuplicateHandlerError,
  InvalidHandlerNameError,
  NotFoundError,
} from './errors.js'
import type { Event, EventMap } from './event.js'
import { assertEventType } from './event-type.js'
import { builtinExtensionPoints } from './extension-point.js'
import { ExtensionRegistry } from './extension-registry.js'
import { HandlerEntry } from './handler-entry.js'
import type { HandlerSlot } from './handler-slot.js'
import { HandlerSlots } from './handler-slots.js'
import { InProcessTransport } from './in-process-transport.js'
import { LedgerWriter } from './ledger-writer.js'
import type { Logger } from './logger.js'
import { MemoryStore } from './memory-store.js'
import { noopLogger } from './noop-logger.js'
import { OutcomeCollector } from './outcome-collector.js'
import { compilePattern } from './pattern.js'
import type { RouteTable } from './route-table.js'
import type { Store } from './store.js'
import type { Transport } from './transport.js'
import type { EventOf, EventTypeOf, PatternData } from './typed-events.js'

const HANDLER_NAME = /^[a-z][a-z0-9_]*$/
/** How long `close()` lets in-flight work finish before it aborts the handlers' signals. */
const CLOSE_TIMEOUT_MS = 10_000
const { beforePublish, afterDispatch } = builtinExtensionPoints

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
  #logger: Logger
  #defaults: DeliveryPolicy
  #slots = new HandlerSlots()
  #planner = new DispatchPlanner()
  #observers: BusObservers
  #ledger: LedgerWriter
  #completion: DispatchCompletion
  #deliverer: Deliverer
  #consumers: ConsumerManager
  #deadlines = new DeadlineList()
  #shutdown = new AbortController()
  #closed = false
  #closing: Promise<void> | undefined
  /** Whether the publish hooks have contributions, as of `extensions.revision` `#hooksRevision`. */
  #hooksRevision = -1
  #hasBeforePublish = false
  #hasAfterDispatch = false
  #reach = (entry: HandlerEntry, event: Event): Reach =>
    this.#planner.isSelected(entry.name)
      ? this.#planner.reach(entry, event, this.#planner.routes().get(event.type))
      : { reached: false, reason: 'disabled' }

  constructor(options: EventBusOptions = {}) {
    this.#logger = options.logger ?? noopLogger
    this.store = options.store ?? new MemoryStore()
    this.transport = options.transport ?? new InProcessTransport()
    this.extensions = options.extensions ?? new ExtensionRegistry({ logger: this.#logger })
    this.#defaults = resolvePolicy(defaultDeliveryPolicy, options.defaults ?? {}, 'delivery defaults')
    if (options.routes !== undefined) this.#planner.setRoutes(options.routes)
    if (options.handlerSelection !== undefined) this.#planner.setSelection(options.handlerSelection)
    this.#observers = new BusObservers((error) => this.#logger.error({ err: error }, 'bus observer threw'))
    this.#completion = new DispatchCompletion(this.store, this.#logger, (event, report) =>
      this.extensions.runAction(afterDispatch, { event, report }),
    )
    this.#ledger = new LedgerWriter(this.store, this.#logger, (finished) =>
      this.#completion.written(finished),
    )
    this.#deliverer = new Deliverer({
      store: this.store,
      logger: this.#logger,
      deadlines: this.#deadlines,
      observers: this.#observers,
      shutdown: this.#shutdown.signal,
      ledger: this.#ledger,
      reportsCompletion: () => this.#refreshHooks().#hasAfterDispatch,
    })
    this.#consumers = new ConsumerManager(this.transport, this.#logger, (slot, message) =>
      this.#deliverer.fromTransport(slot, message, this.#reach),
    )
  }

  /**
   * Subscribes `handler` to `pattern` under a unique snake_case name. Throws `InvalidHandlerNameError`,
   * `DuplicateHandlerError`, `InvalidPatternError` or `ConfigError` (bad policy) synchronously.
   */
  subscribe<P extends string>(
    pattern: P,
    handler: Handler<PatternData<M, P>>,
    options: SubscribeOptions<PatternData<M, P>>,
  ): Subscription {
    this.#assertOpen()
    const { name, filter, owner, ...overrides } = options
    if (typeof name !== 'string' || !HANDLER_NAME.test(name)) throw new InvalidHandlerNameError(String(name))
    compilePattern(pattern)
    const policy = resolvePolicy(this.#defaults, overrides, `subscription ${name}`)
    if (this.#slots.get(name)?.entry !== undefined) throw new DuplicateHandlerError(name)
    const slot = this.#slots.claim(name)
    this.#unretire(slot)
    const entry = new HandlerEntry({
      slot,
      name,
      pattern,
      owner,
      handler: handler as Handler,
      overrides,
      policy,
      filter: filter as ((event: Event) => boolean) | undefined,
    })
    slot.entry = entry
    this.#planner.add(entry)
    if (!slot.held) this.#consumers.reconcile(slot)
    return {
      name,
      pattern,
      ...(owner === undefined ? {} : { owner }),
      unsubscribe: () => this.#unsubscribe(entry),
    }
  }

  /** Dispatches in this process; resolves once every matched handler reached a final state. Never rejects for a handler's failure. */
  async publish<K extends EventTypeOf<M>>(event: EventOf<M, K>): Promise<DeliveryReport> {
    this.#assertOpen()
    const prepared = this.#prepare(event)
    const accepted = prepared instanceof Promise ? await prepared : prepared
    const plan = this.#planner.plan(accepted.type)
    let outcomes: DeliveryOutcome[]
    if (plan.direct && plan.entries.length === 1) {
      // The common case of one handler: no array of promises and no Promise.all.
      const outcome = this.#deliverer.direct(plan.entries[0]!.slot, accepted, performance.now())
      outcomes = [outcome instanceof Promise ? await outcome : outcome]
    } else {
      const dispatched = this.#dispatch(plan, accepted)
      outcomes = dispatched instanceof Promise ? await dispatched : dispatched
    }
    const report: DeliveryReport = { eventId: accepted.id, outcomes }
    if (this.#hasAfterDispatch) await this.extensions.runAction(afterDispatch, { event: accepted, report })
    return report
  }

  /**
   * Accepts the event into the Store and the Transport, then returns; handlers run in the background. Once all of
   * them reached a final state, `event.after_dispatch` runs with the report made of their ledger records.
   */
  async enqueue<K extends EventTypeOf<M>>(event: EventOf<M, K>): Promise<{ id: string }> {
    this.#assertOpen()
    const accepted = await this.#prepare(event)
    const plan = this.#planner.plan(accepted.type)
    const handlers: string[] = []
    for (const entry of plan.entries) {
      // Unrouted handlers are accepted too: their consumer records the outcome, so it is in the ledger's report.
      const reach = plan.direct ? undefined : this.#planner.reach(entry, accepted, plan.route)
      if (reach === undefined || reach.reached || reach.status !== undefined) handlers.push(entry.name)
    }
    await this.store.acceptEvent(accepted, handlers)
    await this.#consumers.ready()
    await this.transport.publish(accepted)
    if (handlers.length === 0 && this.#hasAfterDispatch)
      this.#completion.report(accepted, { eventId: accepted.id, outcomes: [] })
    return { id: accepted.id }
  }

  /**
   * Resolves when no delivery is in flight or queued in this process, the ledger is written and the
   * `event.after_dispatch` actions of enqueued events have run.
   */
  async drain(): Promise<void> {
    for (;;) {
      await this.#consumers.ready()
      await this.transport.idle?.()
      const busy = this.#slots.busy()
      if (busy.length > 0) await Promise.all(busy)
      else if (this.#ledger.idle && this.#completion.idle) return
      else {
        // Writing the ledger can complete events, and their after_dispatch actions may enqueue more work.
        await this.#ledger.flush()
        await this.#completion.settled()
      }
    }
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
    this.#closing ??= this.#close(timeoutMs)
    return this.#closing
  }

  async #close(timeoutMs: number): Promise<void> {
    const grace = Number.isFinite(timeoutMs) ? setTimeout(() => this.#interrupt(), timeoutMs) : undefined
    try {
      await this.drain()
      this.#closed = true
      await this.drain()
    } finally {
      clearTimeout(grace)
    }
    await this.#consumers.stopAll()
    await this.transport.close()
    await this.store.close()
  }

  /** The grace period of `close` is over: abort what runs, stop taking messages. */
  #interrupt(): void {
    this.#closed = true
    const reason = new ClosedError('the event bus')
    this.#logger.warn({ err: reason }, 'close: interrupting the deliveries still in flight')
    this.#shutdown.abort(reason)
    this.#deadlines.expireAll(reason)
    void this.#consumers.stopAll()
  }

  /**
   * Hands the Store's unfinished events back to the transport, for the handlers not yet final; resolves to how
   * many events it handed back. Call after subscribing. By default a handler name nobody subscribes gets its
   * deliveries too (the transport keeps them for the next consumer of the name). With `finalizeMissing`, its
   * deliveries end `unrouted` with error `handler no longer subscribed` instead, and the event can complete:
   * pass it once every plugin has started (a disabled or uninstalled plugin's handlers then count as gone).
   *
   * @example
   * ```ts
   * await bus.resume({ finalizeMissing: true })
   * ```
   */
  async resume(options: ResumeOptions = {}): Promise<number> {
    const unfinished = await this.store.unfinishedEvents()
    await this.#consumers.ready()
    let resumed = 0
    for (const { event, handlers } of unfinished) {
      let targets = handlers
      if (options.finalizeMissing) {
        targets = handlers.filter((name) => this.#slots.has(name))
        for (const name of handlers)
          if (!this.#slots.has(name)) this.#deliverer.unrouted(event, name, 'handler no longer subscribed')
      }
      if (targets.length === 0) continue
      await this.transport.publish(event, { handlers: targets })
      resumed++
    }
    // The finalised rows are in the Store when resume resolves (unfinishedEvents no longer lists them).
    await this.#ledger.flush()
    return resumed
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
    const base = resolvePolicy(defaultDeliveryPolicy, defaults, 'delivery defaults')
    this.#slots.rebase(base, (slot) => this.#consumers.reconcile(slot))
    this.#defaults = base
  }

  /** Replaces the route table at runtime; a malformed table throws `ConfigError` and the old one stays. */
  setRoutes(routes: RouteTable): void {
    this.#planner.setRoutes(routes)
  }

  /** One warning per handler named by a route that no subscription provides. */
  routeWarnings(): string[] {
    return routeWarnings(this.#planner, this.#slots)
  }

  /** Config `enabled_handlers` / `disabled_handlers`: a deselected handler is not matched at all. */
  setHandlerSelection(selection: HandlerSelection): void {
    this.#planner.setSelection(selection)
  }

  /** A dry run: which subscribed handlers `event` would reach, and why or why not. */
  explain(event: Event): Explanation {
    return explainEvent(this.#planner, this.#slots, event)
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
    return this.#slots.hold(names, (slot) => {
      this.#unretire(slot)
      this.#consumers.reconcile(slot)
    })
  }

  /** Runs a dead letter's handler again (with its retries, without dead-lettering again); deletes it on success. */
  async replayDeadLetter(id: string): Promise<DeliveryOutcome> {
    const deadLetter = await this.store.getDeadLetter(id)
    if (deadLetter === undefined) throw new NotFoundError(`dead letter ${id}`)
    const slot = this.#slots.get(deadLetter.handler)
    if (slot?.entry === undefined) throw new NotFoundError(`handler ${deadLetter.handler}`)
    const outcome = await this.#deliverer.direct(slot, deadLetter.event, performance.now(), true)
    if (outcome.status === 'succeeded' || outcome.status === 'skipped_duplicate')
      await this.store.deleteDeadLetter(id)
    return outcome
  }

  subscriptions(): SubscriptionInfo[] {
    return this.#slots.subscriptions()
  }

  /** Registers an observer; the returned function removes it. */
  observe(observer: BusObserver): () => void {
    return this.#observers.add(observer)
  }

  /** Brings the cached "has contributions" flags of the publish hooks up to date. */
  #refreshHooks(): this {
    if (this.#hooksRevision !== this.extensions.revision) {
      this.#hooksRevision = this.extensions.revision
      this.#hasBeforePublish = this.extensions.has(beforePublish)
      this.#hasAfterDispatch = this.extensions.has(afterDispatch)
    }
    return this
  }

  /** Runs `event.before_publish` (only when someone contributed, so publish does not pay for an await). */
  #prepare(event: Event): Event | Promise<Event> {
    this.#refreshHooks()
    if (!this.#hasBeforePublish) {
      if (this.#observers.active) this.#observers.published(event)
      return event
    }
    return this.extensions.runFilter(beforePublish, event).then((accepted) => {
      assertEventType(accepted?.type, 'event.before_publish result type')
      if (this.#observers.active) this.#observers.published(accepted)
      return accepted
    })
  }

  #dispatch(plan: TypePlan, event: Event): Promise<DeliveryOutcome[]> | DeliveryOutcome[] {
    const { entries } = plan
    const collector = new OutcomeCollector(entries.length)
    const start = performance.now()
    for (const entry of entries) {
      const reach = plan.direct ? undefined : this.#planner.reach(entry, event, plan.route)
      if (reach === undefined || reach.reached)
        this.#deliverer.directInto(entry.slot, event, start, collector, collector.reserve())
      else if (reach.status !== undefined)
        collector.put(collector.reserve(), this.#deliverer.skipped(event, entry.name, reach))
    }
    return collector.done()
  }

  async #unsubscribe(entry: HandlerEntry): Promise<void> {
    const { slot } = entry
    if (slot.entry === entry) {
      slot.entry = undefined
      if (slot.held) {
        // The name stays routed (old pattern) until release: events of the gap wait for the next subscription.
        slot.retired = entry
      } else {
        this.#planner.remove(entry)
        this.#slots.delete(slot.name)
        await this.#consumers.stop(slot)
      }
    }
    await entry.idle()
  }

  /** Takes a retired subscription out of the dispatch plan (replaced, or its hold ended). */
  #unretire(slot: HandlerSlot): void {
    if (slot.retired === undefined) return
    this.#planner.remove(slot.retired)
    slot.retired = undefined
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('the event bus')
  }
}
