import { DeadlineList } from '../delivery/deadline-list.js'
import { Deliverer } from '../delivery/deliverer.js'
import type { HandlerEntry } from '../delivery/handler-entry.js'
import { HandlerSlots } from '../delivery/handler-slots.js'
import type { Event } from '../event/event.js'
import { builtinExtensionPoints } from '../extensions/extension-point.js'
import type { ExtensionRegistry } from '../extensions/extension-registry.js'
import { DispatchCompletion } from '../ledger/dispatch-completion.js'
import { LedgerWriter } from '../ledger/ledger-writer.js'
import type { Logger } from '../logger.js'
import type { DispatchPlanner, Reach } from '../routing/dispatch-plan.js'
import type { Store } from '../store/store.js'
import { ConsumerManager } from '../transport/consumer-manager.js'
import type { Transport } from '../transport/transport.js'
import type { BusObservers } from './bus-observers.js'

/** The working parts of one bus that draining, closing and recovery reach into. */
export interface BusParts {
  store: Store
  transport: Transport
  logger: Logger
  slots: HandlerSlots
  consumers: ConsumerManager
  deliverer: Deliverer
  ledger: LedgerWriter
  completion: DispatchCompletion
  deadlines: DeadlineList
  /** Aborted when the grace period of `close` is over. */
  shutdown: AbortController
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
}

/**
 * Wires one bus's delivery machinery: the ledger and the completion of enqueued events, the deliverer and the
 * transport consumers that feed it.
 *
 * @example
 * ```ts
 * const parts = createBusParts({ store, transport, logger, extensions, planner, observers, reportsCompletion })
 * ```
 */
export function createBusParts(options: BusPartsOptions): BusParts {
  const { store, transport, logger, extensions, planner } = options
  const slots = new HandlerSlots()
  const deadlines = new DeadlineList()
  const shutdown = new AbortController()
  const completion = new DispatchCompletion(store, logger, (event, report) =>
    extensions.runAction(builtinExtensionPoints.afterDispatch, { event, report }),
  )
  const ledger = new LedgerWriter(store, logger, (finished) => completion.written(finished))
  const deliverer = new Deliverer({
    store,
    logger,
    deadlines,
    observers: options.observers,
    shutdown: shutdown.signal,
    ledger,
    reportsCompletion: options.reportsCompletion,
  })
  // A transport delivery checks the handler selection and the routes as they are when it is consumed.
  const reach = (entry: HandlerEntry, event: Event): Reach =>
    planner.isSelected(entry.name)
      ? planner.reach(entry, event, planner.routes().get(event.type))
      : { reached: false, reason: 'disabled' }
  const consumers = new ConsumerManager(transport, logger, (slot, message) =>
    deliverer.fromTransport(slot, message, reach),
  )
  return { store, transport, logger, slots, consumers, deliverer, ledger, completion, deadlines, shutdown }
}
