import type { EventBus, Logger, Store } from '@switchyard/core'
import type { Registry } from 'prom-client'
import type { EventCatalog } from '../catalog/event-catalog.js'
import type { PluginDatabaseHub } from '../database/plugin-database-hub.js'
import type { FaultSink } from '../faults/plugin-scope.js'
import type { ProviderRegistry } from '../providers/provider-registry.js'
import type { SecretVault } from '../secrets/secret-vault.js'
import type { ServiceRegistry } from '../services/service-registry.js'

/**
 * What every plugin of one host shares: the bus, the Store (for KV), the metrics registry, the root logger,
 * the event catalog, the fault ledger, the service registry and the secret vault. The host makes one.
 *
 * @example
 * ```ts
 * const services: RuntimeServices = { bus, store, registry: new Registry(), logger: noopLogger, catalog: new EventCatalog(), faults, databases, transactionTimeoutMs: 30_000, providers, services, secrets: new SecretVault(store) }
 * ```
 */
export interface RuntimeServices {
  bus: EventBus
  store: Store
  registry: Registry
  logger: Logger
  catalog: EventCatalog
  faults: FaultSink
  /** Plugins' SQL databases (`ctx.db`) and the deadline of one transaction. */
  databases: PluginDatabaseHub
  transactionTimeoutMs: number
  /** What running plugins provide to their dependents (`ctx.use`). */
  providers: ProviderRegistry
  services: ServiceRegistry
  secrets: SecretVault
}
