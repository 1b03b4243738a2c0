import { ConfigError } from '../errors.js'
import type { Event } from '../event/event.js'
import { assertEventType } from '../event/event-type.js'
import { readPath } from './read-path.js'

/**
 * Per event type, which of the handlers it names run: the value at `key` (a dot path into the event, e.g.
 * `data.status`) selects a case; `*` is the fallback case. Handlers the table does not name are unaffected.
 *
 * @example
 * ```ts
 * const routes: RouteTable = {
 *   'order.status_changed': { key: 'data.status', cases: { shipped: ['order_notification_handler'], '*': ['fallback_handler'] } },
 * }
 * bus.setRoutes(routes)
 * ```
 */
export type RouteTable = Record<string, { key: string; cases: Record<string, string[]> }>

/** The route of one event type, checked and indexed once. */
export interface CompiledRoute {
  readonly type: string
  readonly key: string
  /** Every handler the route names, in any case. */
  readonly named: ReadonlySet<string>
  /** The case the event selects (`*` for the fallback, undefined when none) and the handlers it lets run. */
  select(event: Event): { case: string | undefined; handlers: ReadonlySet<string> }
}

const NONE: ReadonlySet<string> = new Set()

/**
 * Checks a route table and compiles it into one `CompiledRoute` per event type. Throws `ConfigError` naming the
 * path (`routes.<type>.key`, ...) of a malformed entry.
 *
 * @example
 * ```ts
 * const compiled = compileRoutes({ 'order.created': { key: 'data.region', cases: { eu: ['eu_handler'] } } })
 * compiled.get('order.created')?.named.has('eu_handler') // true
 * ```
 */
export function compileRoutes(routes: RouteTable): Map<string, CompiledRoute> {
  const compiled = new Map<string, CompiledRoute>()
  for (const [type, route] of Object.entries(routes)) {
    try {
      assertEventType(type, `routes.${type}`)
    } catch (error) {
      throw new ConfigError((error as Error).message)
    }
    if (typeof route?.key !== 'string' || route.key === '') {
      throw new ConfigError(`routes.${type}.key: expected a dot path into the event such as "data.status"`)
    }
    if (typeof route.cases !== 'object' || route.cases === null) {
      throw new ConfigError(`routes.${type}.cases: expected a map from case value to handler names`)
    }
    compiled.set(type, compileRoute(type, route.key, route.cases))
  }
  return compiled
}

function compileRoute(type: string, key: string, cases: Record<string, string[]>): CompiledRoute {
  const path = key.split('.')
  const byCase = new Map<string, ReadonlySet<string>>()
  const named = new Set<string>()
  for (const [value, handlers] of Object.entries(cases)) {
    if (!Array.isArray(handlers) || handlers.some((h) => typeof h !== 'string')) {
      throw new ConfigError(`routes.${type}.cases.${value}: expected a list of handler names`)
    }
    byCase.set(value, new Set(handlers))
    for (const handler of handlers) named.add(handler)
  }
  const fallback = byCase.get('*')
  return {
    type,
    key,
    named,
    select(event) {
      const value = readPath(event, path)
      const selected = value === undefined || value === null ? undefined : byCase.get(String(value))
      if (selected !== undefined) return { case: String(value), handlers: selected }
      return fallback === undefined ? { case: undefined, handlers: NONE } : { case: '*', handlers: fallback }
    },
  }
}
