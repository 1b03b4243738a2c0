import type { Permission, PluginServices } from '@switchyard/plugin-sdk'
import { ServiceRegistryError } from '../errors.js'
import { parseServiceQuery } from '../services/service-info-schema.js'
import type { ServiceRegistry } from '../services/service-registry.js'

/**
 * A plugin's view of the service registry (`ctx.services`): it registers under its own name, may unregister
 * only its own services, and what it registered is unregistered when it stops (through `onStopped`).
 *
 * @example
 * ```ts
 * const services = createPluginServices(registry, 'billing', guard, (undo) => registrations.removers.push(undo))
 * ```
 */
export function createPluginServices(
  registry: ServiceRegistry,
  owner: string,
  guard: (method: string, permission: Permission) => void,
  onStopped: (undo: () => Promise<void>) => void,
): PluginServices {
  let registered = false
  // Async functions, so a refused permission rejects like every other failure of these calls.
  return {
    async register(info) {
      guard('services.register', 'services:register')
      if (!registered) {
        registered = true
        onStopped(() => registry.unregisterOwner(owner))
      }
      return registry.register(owner, info)
    },
    async unregister(id) {
      guard('services.unregister', 'services:register')
      return registry.unregister(owner, id)
    },
    async discover(query) {
      guard('services.discover', 'services:discover')
      const parsed = parseServiceQuery(query)
      if (!parsed.ok) throw new ServiceRegistryError(owner, `discover query ${parsed.problem}`)
      return registry.discover(parsed.query)
    },
  }
}
