import { performance } from 'node:perf_hooks'
import type { Deliverer } from '../delivery/deliverer.js'
import type { DeliveryReport } from '../delivery/delivery.js'
import { OutcomeCollector } from '../delivery/outcome-collector.js'
import type { Event } from '../event/event.js'
import type { EventLimits } from '../event/event-limits.js'
import { assertEventType } from '../event/event-type.js'
import { assertEventWithinLimits } from '../event/limit-checks.js'
import { builtinExtensionPoints } from '../extensions/extension-point.js'
import type { ExtensionRegistry } from '../extensions/extension-registry.js'
import type { DispatchPlanner, TypePlan } from '../routing/dispatch-plan.js'
import type { BusObservers } from './bus-observers.js'

const { beforePublish, afterDispatch } = builtinExtensionPoints

/**
 * The per-event steps shared by `publish` and `enqueue`: the bus limits, the `event.before_publish` filter, the fan-out of a
 * publish to its planned handlers, and which handlers an enqueued event is accepted for. Caches whether the
 * publish hooks have contributions so that an event does not pay for an empty hook.
 *
 * @example
 * ```ts
 * const accepted = await path.prepare(event)
 * const report = await path.dispatch(planner.plan(accepted.type), accepted)
 * ```
 */
export class PublishPath {
  #extensions: ExtensionRegistry
  #observers: BusObservers
  #planner: DispatchPlanner
  #deliverer: Deliverer
  #limits: Readonly<EventLimits>
  /** Whether the publish hooks have contributions, as of `extensions.revision` `#hooksRevision`. */
  #hooksRevision = -1
  #hasBeforePublish = false
  #hasAfterDispatch = false

  constructor(
    extensions: ExtensionRegistry,
    observers: BusObservers,
    planner: DispatchPlanner,
    deliverer: Deliverer,
    limits: Readonly<EventLimits>,
  ) {
    this.#limits = limits
    this.#extensions = extensions
    this.#observers = observers
    this.#planner = planner
    this.#deliverer = deliverer
  }

  /** Whether someone contributed to `event.after_dispatch`, as of the last `prepare` or `reportsCompletion`. */
  get hasAfterDispatch(): boolean {
    return this.#hasAfterDispatch
  }

  /** Whether someone contributed to `event.after_dispatch` now. */
  reportsCompletion(): boolean {
    this.#refreshHooks()
    return this.#hasAfterDispatch
  }

  /**
   * Refuses an event past the bus limits (a `LimitError`, thrown), then runs `event.before_publish` (only when
   * someone contributed; a promise only when a contribution answers with one) and checks what it returns the
   * same way.
   */
  prepare(event: Event): Event | Promise<Event> {
    assertEventWithinLimits(event, this.#limits)
    this.#refreshHooks()
    if (!this.#hasBeforePublish) {
      if (this.#observers.active) this.#observers.published(event)
      return event
    }
    // Synchronous filters (the event catalog's check) are run without a promise.
    const filtered = this.#extensions.filterNow(beforePublish, event)
    if (filtered instanceof Promise) return filtered.then((accepted) => this.#accepted(accepted, event))
    return this.#accepted(filtered, event)
  }

  /** Checks what `event.before_publish` made of `event` as `prepare` checked the event. */
  #accepted(accepted: Event, event: Event): Event {
    assertEventType(accepted?.type, 'event.before_publish result type')
    if (accepted !== event) assertEventWithinLimits(accepted, this.#limits)
    if (this.#observers.active) this.#observers.published(accepted)
    return accepted
  }

  /**
   * Delivers `event` in this process to every handler of `plan`; unreached ones get their skip outcome. Resolves
   * to the report once every reached handler's delivery is final.
   */
  dispatch(plan: TypePlan, event: Event): Promise<DeliveryReport> {
    const { entries } = plan
    const deliverer = this.#deliverer
    const collector = new OutcomeCollector(entries.length)
    const start = performance.now()
    for (const entry of entries) {
      const reach = plan.direct ? undefined : this.#planner.reach(entry, event, plan.route)
      if (reach === undefined || reach.reached)
        deliverer.directInto(entry.slot, event, start, collector, collector.reserve())
      else if (reach.status !== undefined)
        collector.put(collector.reserve(), deliverer.skipped(event, entry.name, reach))
    }
    return collector.report(event.id)
  }

  /** The handler names an enqueued `event` is accepted for in the Store. */
  enqueueTargets(plan: TypePlan, event: Event): string[] {
    const handlers: string[] = []
    for (const entry of plan.entries) {
      // Unrouted handlers are accepted too: their consumer records the outcome, so it is in the ledger's report.
      const reach = plan.direct ? undefined : this.#planner.reach(entry, event, plan.route)
      if (reach === undefined || reach.reached || reach.status !== undefined) handlers.push(entry.name)
    }
    return handlers
  }

  #refreshHooks(): void {
    if (this.#hooksRevision !== this.#extensions.revision) {
      this.#hooksRevision = this.#extensions.revision
      this.#hasBeforePublish = this.#extensions.has(beforePublish)
      this.#hasAfterDispatch = this.#extensions.has(afterDispatch)
    }
  }
}
