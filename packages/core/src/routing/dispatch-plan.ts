import type { DeliveryStatus } from '../delivery/delivery.js'
import type { HandlerEntry } from '../delivery/handler-entry.js'
import type { Event } from '../event/event.js'
import { PatternIndex } from '../pattern/pattern-index.js'
import { type CompiledRoute, compileRoutes, type RouteTable } from './route-table.js'

/** The handlers of one event type, worked out once per type and cached until subscriptions or routes change. */
export interface TypePlan {
  /** Selected handlers whose pattern matches, in subscription order. */
  readonly entries: readonly HandlerEntry[]
  readonly route: CompiledRoute | undefined
  /** No route and no filter: every entry runs, nothing to decide per event. */
  readonly direct: boolean
}

/** Why a handler is or is not reached by an event. */
export interface Reach {
  reached: boolean
  reason: string
  /** The outcome status of a handler that matched but does not run (`unrouted`). */
  status?: DeliveryStatus
  /** What the handler's filter threw (status `failed`). */
  cause?: unknown
}

const DESELECTED: Reach = Object.freeze({ reached: false, reason: 'disabled' })

/**
 * Which handlers an event reaches: a trie of patterns, the handler selection (config enabled/disabled handlers)
 * and the route table, with one cached `TypePlan` per event type.
 *
 * @example
 * ```ts
 * const planner = new DispatchPlanner()
 * planner.add(entry)
 * planner.plan('order.created').entries
 * ```
 */
export class DispatchPlanner {
  #index = new PatternIndex<HandlerEntry>()
  #plans = new Map<string, TypePlan>()
  /** The type planned last and its plan: events in a row mostly share their type, and this spares a map lookup. */
  #lastType: string | undefined = undefined
  #lastPlan: TypePlan | undefined = undefined
  #routes = new Map<string, CompiledRoute>()
  #enabled: ReadonlySet<string> = new Set()
  #disabled: ReadonlySet<string> = new Set()

  add(entry: HandlerEntry): void {
    this.#index.add(entry.pattern, entry)
    this.#forget()
  }

  remove(entry: HandlerEntry): void {
    this.#index.remove(entry.pattern, entry)
    this.#forget()
  }

  /** Replaces the route table (checked first: a bad table throws `ConfigError` and the old one stays). */
  setRoutes(routes: RouteTable): void {
    this.#routes = compileRoutes(routes)
    this.#forget()
  }

  routes(): ReadonlyMap<string, CompiledRoute> {
    return this.#routes
  }

  setSelection(selection: { enabled?: readonly string[]; disabled?: readonly string[] }): void {
    this.#enabled = new Set(selection.enabled ?? [])
    this.#disabled = new Set(selection.disabled ?? [])
    this.#forget()
  }

  isSelected(name: string): boolean {
    return (this.#enabled.size === 0 || this.#enabled.has(name)) && !this.#disabled.has(name)
  }

  plan(type: string): TypePlan {
    if (type === this.#lastType) return this.#lastPlan!
    let plan = this.#plans.get(type)
    if (plan === undefined) {
      const entries = this.#index.match(type).filter((entry) => this.isSelected(entry.name))
      const route = this.#routes.get(type)
      plan = { entries, route, direct: route === undefined && entries.every((e) => e.filter === undefined) }
      this.#plans.set(type, plan)
    }
    this.#lastType = type
    this.#lastPlan = plan
    return plan
  }

  /** Drops every cached plan (subscriptions, routes or the selection changed). */
  #forget(): void {
    this.#plans.clear()
    this.#lastType = undefined
    this.#lastPlan = undefined
  }

  /**
   * Whether a subscribed handler whose pattern matches runs for this event now: its selection, then `reach`
   * with the route of the event's type (a transport delivery checks this when it is consumed).
   */
  reachNow(entry: HandlerEntry, event: Event): Reach {
    if (!this.isSelected(entry.name)) return DESELECTED
    return this.reach(entry, event, this.#routes.get(event.type))
  }

  /** Whether a handler whose pattern matched runs for this event, after the route table and its filter. */
  reach(entry: HandlerEntry, event: Event, route: CompiledRoute | undefined): Reach {
    let reason = 'matched'
    if (route?.named.has(entry.name)) {
      const selected = route.select(event)
      const where = `route ${route.type} case ${selected.case ?? '(none)'}`
      if (!selected.handlers.has(entry.name))
        return { reached: false, reason: `unrouted by ${where}`, status: 'unrouted' }
      reason = `matched by ${where}`
    }
    if (entry.filter !== undefined) {
      try {
        if (!entry.filter(event)) return { reached: false, reason: 'filtered out' }
      } catch (error) {
        const reason = `filter threw: ${(error as Error).message}`
        return { reached: false, reason, status: 'failed', cause: error }
      }
    }
    return { reached: true, reason }
  }
}
