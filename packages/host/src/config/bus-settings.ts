import type { DeliveryPolicyOverrides, HandlerSelection, RouteTable } from '@switchyard/core'
import type { SwitchyardConfig } from './config-schema.js'

/**
 * The bus settings a configuration holds: delivery defaults (camelCase), routes and handler selection.
 *
 * @example
 * ```ts
 * const bus = new EventBus({ ...busSettings(config), store })
 * ```
 */
export function busSettings(config: SwitchyardConfig): {
  defaults: DeliveryPolicyOverrides
  routes: RouteTable
  handlerSelection: HandlerSelection
} {
  const { timeout_ms, retry, concurrency, idempotent, dead_letter } = config.delivery
  return {
    defaults: {
      timeoutMs: timeout_ms,
      concurrency,
      idempotent,
      deadLetter: dead_letter,
      retry: {
        attempts: retry.attempts,
        initialMs: retry.initial_ms,
        maxMs: retry.max_ms,
        factor: retry.factor,
        jitter: retry.jitter,
      },
    },
    routes: config.routes,
    handlerSelection: { enabled: config.enabled_handlers, disabled: config.disabled_handlers },
  }
}
