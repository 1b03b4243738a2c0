import type {
  DeliveryPolicyOverrides,
  EventLimits,
  FlowOptions,
  HandlerSelection,
  RouteTable,
} from '@switchyard/core'
import type { SwitchyardConfig } from './config-schema.js'
import { flowOverrides } from './handlers-schema.js'

/**
 * The bus settings a configuration holds: delivery defaults (camelCase), routes, handler selection, flow
 * overrides per handler (`handlers`), the event
 * limits (`limits`) and `delivery.max_crashes`. The last two are read when the bus is made: a reload does not
 * change them on a running bus.
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
  flowOverrides: Record<string, FlowOptions>
  limits: EventLimits
  maxCrashes: number
} {
  const { timeout_ms, retry, concurrency, idempotent, dead_letter, max_crashes } = config.delivery
  const { json_depth, event_type_length, metadata_string_length } = config.limits
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
    flowOverrides: flowOverrides(config.handlers),
    limits: {
      jsonDepth: json_depth,
      eventTypeLength: event_type_length,
      metadataStringLength: metadata_string_length,
    },
    maxCrashes: max_crashes,
  }
}
