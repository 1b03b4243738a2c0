import type { ServiceInfo, ServiceQuery, ServiceRecord } from '@switchyard/core'

/**
 * The service registry as a plugin sees it (Marty's `IServicePlugin`). Every method is async and takes and
 * returns plain JSON, so it works the same from an isolated plugin. On NATS the registry is shared by every node.
 *
 * @example
 * ```ts
 * await ctx.services.register({ id: 'billing-1', name: 'billing', address: 'http://10.0.0.7:9000' })
 * const [billing] = await ctx.services.discover({ name: 'billing' })
 * ```
 */
export interface PluginServices {
  /**
   * Registers (or replaces) a service after the `service.pre_register` contributions saw it; resolves to the
   * record as stored. Needs `services:register`. The plugin's services are unregistered when it stops.
   */
  register(info: ServiceInfo): Promise<ServiceRecord>
  /** Unregisters one of this plugin's services; false when it has none of that id. Needs `services:register`. */
  unregister(id: string): Promise<boolean>
  /**
   * The registered services matching `query`, and those `service.discover` contributions answer. Needs
   * `services:discover`.
   */
  discover(query?: ServiceQuery): Promise<ServiceRecord[]>
}
