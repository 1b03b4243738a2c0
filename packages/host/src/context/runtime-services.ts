import type { EventBus, Logger, Store } from '@switchyard/core'
import type { Registry } from 'prom-client'
import type { EventCatalog } from '../catalog/event-catalog.js'
import type { FaultSink } from '../faults/plugin-scope.js'

/**
 * What every plugin of one host shares: the bus, the Store (for KV), the metrics registry, the root logger,
 * the event catalog and the fault ledger. The host and the testing kit each make one.
 *
 * @example
 * ```ts
 * const services: RuntimeServices = { bus, store, registry: new Registry(), logger: noopLogger, catalog: new EventCatalog(), faults }
 * ```
 */
export interface RuntimeServices {
  bus: EventBus
  store: Store
  registry: Registry
  logger: Logger
  catalog: EventCatalog
  faults: FaultSink
}
