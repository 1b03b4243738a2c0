import type { HandlerEntry } from '../delivery/handler-entry.js'
import type { HandlerSlot } from '../delivery/handler-slot.js'
import type { Event } from '../event/event.js'
import { assertEventType } from '../event/event-type.js'
import { matchesPattern } from '../pattern/pattern.js'
import type { DispatchPlanner, Reach } from '../routing/dispatch-plan.js'
import type { Explanation } from './bus-types.js'

/**
 * Which subscribed handlers `event` would reach and why (`EventBus.explain`): handler selection, pattern,
 * route case and filter, in that order.
 *
 * @example
 * ```ts
 * explainEvent(planner, slots, event).handlers.filter((h) => h.reached)
 * ```
 */
export function explainEvent(
  planner: DispatchPlanner,
  slots: ReadonlyMap<string, HandlerSlot<HandlerEntry>>,
  event: Event,
): Explanation {
  assertEventType(event.type)
  const route = planner.routes().get(event.type)
  const handlers: Explanation['handlers'] = []
  for (const { entry } of slots.values()) {
    if (entry === undefined) continue
    const reach: Reach = !planner.isSelected(entry.name)
      ? { reached: false, reason: 'disabled by enabled_handlers/disabled_handlers' }
      : !matchesPattern(entry.pattern, event.type)
        ? { reached: false, reason: 'no pattern match' }
        : planner.reach(entry, event, route)
    const owner = entry.owner === undefined ? {} : { owner: entry.owner }
    const flow = reach.reached && entry.flow !== undefined ? { flow: entry.flow.describe(event) } : {}
    handlers.push({
      handler: entry.name,
      pattern: entry.pattern,
      ...owner,
      reached: reach.reached,
      reason: reach.reason,
      ...flow,
    })
  }
  return { eventId: event.id, type: event.type, handlers }
}

/**
 * One warning per handler that a route names and no subscription provides (`EventBus.routeWarnings`).
 *
 * @example
 * ```ts
 * for (const warning of routeWarnings(planner, slots)) logger.warn(warning)
 * ```
 */
export function routeWarnings(
  planner: DispatchPlanner,
  slots: ReadonlyMap<string, HandlerSlot<HandlerEntry>>,
): string[] {
  const warnings: string[] = []
  for (const route of planner.routes().values()) {
    for (const name of route.named) {
      if (slots.get(name)?.entry === undefined) {
        warnings.push(`route ${route.type} names handler ${name}, which no subscription provides`)
      }
    }
  }
  return warnings
}
