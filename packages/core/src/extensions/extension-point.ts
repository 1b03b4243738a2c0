import type { DeliveryReport } from '../delivery/delivery.js'
import type { Event } from '../event/event.js'

/**
 * How an extension point combines its contributions: `filter` passes a value through each in turn (a waterfall),
 * `action` runs them all, `collect` gathers each one's result.
 */
export type ExtensionKind = 'filter' | 'action' | 'collect'

/**
 * A typed extension point: the name and kind, plus the value type contributions receive (`In`) and return (`Out`).
 * The types exist only at compile time.
 */
export interface ExtensionPoint<In = unknown, Out = unknown> {
  readonly name: string
  readonly kind: ExtensionKind
  readonly description?: string
  /** Phantom member carrying the types; never set. */
  readonly types?: { in: In; out: Out }
}

/** A contribution to an extension point. A filter may return undefined to leave the value unchanged. */
export type ExtensionFn<In = unknown, Out = unknown> = (value: In) => Out | Promise<Out>

/**
 * Declares an extension point. Register it with `registry.define(point)`; plugins contribute with
 * `registry.contribute(point.name, fn)`. Names are `<owner>.<name>`.
 *
 * @example
 * ```ts
 * const beforeSend = defineExtensionPoint<Email, Email>({ name: 'mailer.before_send', kind: 'filter' })
 * bus.extensions.define(beforeSend)
 * ```
 */
export function defineExtensionPoint<In = unknown, Out = In>(definition: {
  name: string
  kind: ExtensionKind
  description?: string
}): ExtensionPoint<In, Out> {
  return Object.freeze({ ...definition })
}

/** What a `health.check` contribution resolves to. */
export interface HealthResult {
  status: 'ok' | 'degraded' | 'error'
  message?: string
  details?: Record<string, unknown>
}

/**
 * What each `config.load` contribution receives, and returns when it changes the config (undefined keeps it).
 * The host runs the chain over one plugin's raw config right before that plugin's schema checks it.
 */
export interface ConfigLoadValue {
  /** The plugin being configured. */
  readonly plugin: string
  /** Its raw config: the file's `plugins.<name>.config` as changed by earlier contributions. */
  config: Record<string, unknown>
}

/**
 * The extension points every registry defines.
 *
 * @example
 * ```ts
 * bus.extensions.contribute(builtinExtensionPoints.beforePublish.name, (event) => event)
 * ```
 */
export const builtinExtensionPoints = {
  /** May return an enriched event, or throw `EventRejectedError` to refuse it. */
  beforePublish: defineExtensionPoint<Event, Event | undefined>({
    name: 'event.before_publish',
    kind: 'filter',
    description: 'Enrich or reject an event before it is dispatched',
  }),
  afterDispatch: defineExtensionPoint<{ event: Event; report: DeliveryReport }, void>({
    name: 'event.after_dispatch',
    kind: 'action',
    description: 'Runs after every matched handler of a published event reached a final state',
  }),
  httpMiddleware: defineExtensionPoint<unknown, unknown>({
    name: 'http.middleware',
    kind: 'collect',
    description: 'HTTP middleware, applied in priority order by the server',
  }),
  healthCheck: defineExtensionPoint<void, HealthResult>({
    name: 'health.check',
    kind: 'collect',
    description: 'Health checks reported by /healthz and plugin health',
  }),
  metricsCollect: defineExtensionPoint<void, unknown>({
    name: 'metrics.collect',
    kind: 'collect',
    description: 'Metrics gathered by /metrics',
  }),
  configLoad: defineExtensionPoint<ConfigLoadValue, ConfigLoadValue | undefined>({
    name: 'config.load',
    kind: 'filter',
    description: "Add to or change a plugin's configuration before its schema checks it",
  }),
} as const
