import type { EventBus, Logger, Store } from '@switchyard/core'
import type { Registry } from 'prom-client'
import type { EventCatalog } from '../catalog/event-catalog.js'

/**
 * What every plugin of one host shares: the bus, the Store (for KV), the metrics registry, the root logger
 * and the event catalog. The host and the testing kit each make one.
 *
 * @example
 * ```ts
 * const services: RuntimeServices = { bus, store, registry: new Registry(), logger: noopLogger, catalog: new EventCatalog() }
 * ```
 */
export interface RuntimeServices {
  bus: EventBus
  store: Store
  registry: Registry
  logger: Logger
  catalog: EventCatalog
}
