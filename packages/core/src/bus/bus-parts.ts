import type { AttemptContext } from '../delivery/attempt-context.js'
import { DeadlineList } from '../delivery/deadline-list.js'
import { Deliverer } from '../delivery/deliverer.js'
import { DeliveryRecorder } from '../delivery/delivery-recorder.js'
import type { HandlerEntry } from '../delivery/handler-entry.js'
import { HandlerSlots } from '../delivery/handler-slots.js'
import type { Event } from '../event/event.js'
import { builtinExtensionPoints } from '../extensions/extension-point.js'
import type { ExtensionRegistry } from '../extensions/extension-registry.js'
import { DispatchCompletion } from '../ledger/dispatch-completion.js'
import type { Logger } from '../logger.js'
import type { DispatchPlanner, Reach } from '../routing/dispatch-plan.js'
import { DelayedDeliveries } from '../schedule/delayed-deliveries.js'
import { LeaderLease } from '../schedule/leader-lease.js'
import type { Store } from '../store/store.js'
import type { BusTracer } from '../telemetry/bus-tracer.js'
import { ConsumerManager } from '../transport/consumer-manager.js'
import type { Transport } from '../transport/transport.js'
import type { BusObservers } from './bus-observers.js'

/** The Store lease whose holder fires due delayed events (and, in the host, cron ticks). */
export const SCHEDULER_LEASE = 'switchyard.scheduler'
/** How long a scheduler lease lasts unrenewed: how long a cluster may wait for a dead leader's due events. */
const SCHEDULER_LEASE_MS = 10_000

/** The working parts of one bus that draining, closing and recovery reach into. */
export interface BusParts {
  store: Store
  transport: Transport
  logger: Logger
  slots: HandlerSlots
  consumers: ConsumerManager
  deliverer: Deliverer
  recorder: DeliveryRecorder
  /** Delayed events waiting in the Store for their due time. */
  delayed: DelayedDeliveries
  completion: DispatchCompletion
  deadlines: DeadlineList<AttemptContext>
  /** Aborted when the grace period of `close` is over. */
  shutdown: AbortController
  /** Crashes a delivery may cause before `resume` dead-letters it (`EventBusOptions.maxCrashes`). */
  maxCrashes: number
}

/** What `createBusParts` wires together. */
export interface BusPartsOptions {
  store: Store
  transport: Transport
  logger: Logger
  extensions: ExtensionRegistry
  planner: DispatchPlanner
  observers: BusObservers
  /** Whether someone wants `event.after_dispatch` now. */
  reportsCompletion: () => boolean
  maxCrashes: number
  tracer: BusTracer | undefined
  /** This bus's name among the nodes sharing its Store, for leases. */
  nodeId: string
}

/**
 * Wires one bus's delivery machinery: the recorder (with the ledger) and the completion of enqueued events, the
 * deliverer and the transport consumers that feed it.
 *
 * @example
 * ```ts
 * const parts = createBusParts({ store, transport, logger, extensions, planner, observers, reportsCompletion, maxCrashes: 3, tracer: undefined, nodeId })
 * ```
 */
export function createBusParts(options: BusPartsOptions): BusParts {
  const { store, transport, logger, extensions, planner } = options
  const slots = new HandlerSlots()
  const deadlines = new DeadlineList<AttemptContext>()
  const shutdown = new AbortController()
  const completion = new DispatchCompletion(
    store,
    logger,
    (event, report) => extensions.runAction(builtinExtensionPoints.afterDispatch, { event, report }),
    transport.local === true,
  )
  const recorder = new DeliveryRecorder({
    store,
    logger,
    observers: options.observers,
    shutdown: shutdown.signal,
    onWritten: (finished, records) => completion.written(finished, records),
    reportsCompletion: options.reportsCompletion,
  })
  const deliverer = new Deliverer({
    store,
    logger,
    deadlines,
    shutdown: shutdown.signal,
    recorder,
    recordsStarts: !transport.keepsUnacked,
    tracer: options.tracer,
  })
  // A transport delivery checks the handler selection and the routes as they are when it is consumed.
  const reachNow = (entry: HandlerEntry, event: Event): Reach => planner.reachNow(entry, event)
  const consumers = new ConsumerManager(transport, logger, (slot, message) =>
    deliverer.fromTransport(slot, message, reachNow),
  )
  const delayed = new DelayedDeliveries({
    store,
    logger,
    lease: new LeaderLease(store, SCHEDULER_LEASE, options.nodeId, SCHEDULER_LEASE_MS),
    publish: async (event, handlers) => {
      await consumers.ready()
      return transport.publish(event, { handlers })
    },
    keepsUnacked: transport.keepsUnacked === true,
  })
  const { maxCrashes } = options
  return {
    delayed,
    store,
    transport,
    logger,
    slots,
    consumers,
    deliverer,
    recorder,
    completion,
    deadlines,
    shutdown,
    maxCrashes,
  }
}
