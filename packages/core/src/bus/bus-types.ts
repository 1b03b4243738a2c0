import type { Context, Tracer } from '@opentelemetry/api'
import type { DeliveryPolicy } from '../delivery/delivery.js'
import type { DeliveryPolicyOverrides } from '../delivery/delivery-policy.js'
import type { Event } from '../event/event.js'
import type { EventLimits } from '../event/event-limits.js'
import type { ExtensionRegistry } from '../extensions/extension-registry.js'
import type { FlowOptions } from '../flow/flow-options.js'
import type { FlowState } from '../flow/flow-state.js'
import type { Logger } from '../logger.js'
import type { RouteTable } from '../routing/route-table.js'
import type { DeliverAtOptions } from '../schedule/deliver-at.js'
import type { Store } from '../store/store.js'
import type { Transport } from '../transport/transport.js'

/**
 * What `new EventBus(...)` takes; every member optional.
 *
 * @example
 * ```ts
 * const options: EventBusOptions = { defaults: { timeoutMs: 2000 }, routes: {} }
 * ```
 */
export interface EventBusOptions {
  /** Defaults to `new MemoryStore()`. */
  store?: Store
  /** Defaults to `new InProcessTransport()`. */
  transport?: Transport
  /** Delivery policy defaults for every handler (config `delivery`). */
  defaults?: DeliveryPolicyOverrides
  logger?: Logger
  routes?: RouteTable
  /** Config `enabled_handlers` / `disabled_handlers`. */
  handlerSelection?: HandlerSelection
  /** Defaults to a new registry with the built-in points. */
  extensions?: ExtensionRegistry
  /** Bounds on the events publish and enqueue accept (config `limits`); unset members take `defaultEventLimits`. */
  limits?: Partial<EventLimits>
  /**
   * How many times a delivery may have been running when the process died (its attempt started and never
   * finished) before `resume` stops running it: it ends `dead_lettered` with `E_CRASHED_PROCESS` instead (config
   * `delivery.max_crashes`). Default 3.
   */
  maxCrashes?: number
  /**
   * Traces the bus with this OpenTelemetry tracer: a `publish` span per accepted event (whose context the event
   * carries in `metadata.traceparent`) and a `process` span per attempt, the handler running inside it. Unset,
   * the bus makes no span and pays nothing for tracing.
   */
  tracer?: Tracer
  /**
   * Flow options per handler name that replace, option by option, those its subscription sets (config
   * `handlers`); see `EventBus.setFlowOverrides`.
   */
  flowOverrides?: Readonly<Record<string, FlowOptions>>
  /**
   * Where flow control keeps its windows, key slots and debounce bursts. Default: this process when the
   * transport is local, else the Store's `flowState` (shared by every node on NATS), else this process.
   */
  flowState?: FlowState
}

/**
 * What `enqueue` takes besides the event: when to deliver it (`deliverAt` / `delayMs`), and the OpenTelemetry context
 * its `publish` span is the child of, for a caller that holds a request's context without entering it (by default
 * the active context; ignored without a tracer).
 *
 * @example
 * ```ts
 * await bus.enqueue(event, { traceContext: trace.setSpan(ROOT_CONTEXT, requestSpan) })
 * ```
 */
export interface EnqueueOptions extends DeliverAtOptions {
  traceContext?: Context
}

/**
 * What `EventBus.close` takes.
 *
 * @example
 * ```ts
 * await bus.close({ timeoutMs: 5000 }) // abort handlers still running 5 s after close was called
 * ```
 */
export interface CloseOptions {
  /** Grace period for in-flight work before handlers' signals abort. Default 10,000; `Infinity` never aborts. */
  timeoutMs?: number
}

/**
 * What `EventBus.resume` takes.
 *
 * @example
 * ```ts
 * await bus.resume({ finalizeMissing: true }) // after every plugin started
 * ```
 */
export interface ResumeOptions {
  /**
   * Ends as `unrouted` (error `handler no longer subscribed`) the unfinished deliveries of handler names that
   * nothing on this bus subscribes or holds, instead of handing them back to the transport. Pass it only once
   * every handler that should exist is subscribed, and only when this node runs every handler the Store has
   * deliveries for (on a cluster sharing one Store, all nodes run the same plugins). Default false.
   */
  finalizeMissing?: boolean
}

/** Which handlers may run: `enabled` empty means all; `disabled` wins. */
export interface HandlerSelection {
  enabled?: readonly string[]
  disabled?: readonly string[]
}

/**
 * A subscription's options: its unique snake_case `name`, policy overrides, flow control (throttle, rateLimit,
 * debounce, batch, keyed concurrency, priority), a filter and the owning plugin. With `batch`, the handler
 * receives an array of events (`BatchHandler`).
 *
 * @example
 * ```ts
 * const options: SubscribeOptions = { name: 'audit_log', timeoutMs: 1000, retry: { attempts: 5 }, owner: 'audit-log' }
 * ```
 */
export interface SubscribeOptions<T = unknown>
  extends Omit<DeliveryPolicyOverrides, 'concurrency'>,
    FlowOptions {
  name: string
  /**
   * Runs per event before the handler; false skips the handler for that event (no outcome). An enqueued event
   * the filter accepted, but rejects by the time the delivery is consumed, ends `unrouted` in the ledger.
   */
  filter?: (event: Event<T>) => boolean
  /** The plugin that subscribed, for status and metrics. */
  owner?: string
}

/** A live subscription. `unsubscribe` stops new deliveries and resolves once those in flight finished. */
export interface Subscription {
  readonly name: string
  readonly pattern: string
  readonly owner?: string
  unsubscribe(): Promise<void>
}

/** What `subscriptions()` reports of one handler. */
export interface SubscriptionInfo {
  name: string
  pattern: string
  owner?: string
  policy: DeliveryPolicy
  inFlight: number
  /** For a handler with flow options: deliveries waiting in its queue to start. */
  queued?: number
}

/** Why an event would or would not reach each subscribed handler (`explain`). */
export interface Explanation {
  eventId: string
  type: string
  handlers: {
    handler: string
    pattern: string
    owner?: string
    reached: boolean
    reason: string
    /** The flow control that applies to the event, one line per option (handlers with flow options only). */
    flow?: string[]
  }[]
}

/** A hold on handlers (plugin reload): `settled` once their in-flight deliveries finished; `release` lets the rest go. */
export interface HandlerHold {
  settled: Promise<void>
  release(): void
}
