import { type PluginContext, type PluginDescriptor, UndeclaredDependencyError } from '@switchyard/plugin-sdk'
import { pluginDependencies } from '../lifecycle/plugin-dependencies.js'
import type { ProviderRegistry } from './provider-registry.js'

/**
 * Builds `ctx.use` for one plugin: `use(name)` throws `UndeclaredDependencyError` unless `name` is among its
 * dependencies, and returns an object whose every property is an async function calling that provider through the
 * registry. Properties are read lazily, so a provider that reloads with new functions is seen at once, and an
 * unknown one rejects with `E_UNKNOWN_EXPORT` when called. `then` is left undefined: awaiting the object is harmless.
 *
 * @example
 * ```ts
 * const use = createPluginUse(descriptor, registry)
 * await use('pricing').quote('A-1')
 * ```
 */
export function createPluginUse(
  descriptor: PluginDescriptor,
  registry: ProviderRegistry,
): PluginContext['use'] {
  const allowed = new Set(pluginDependencies(descriptor).map((dependency) => dependency.name))
  const used = new Map<string, object>()
  return ((provider: string) => {
    if (!allowed.has(provider)) throw new UndeclaredDependencyError(descriptor.name, provider)
    let proxy = used.get(provider)
    if (proxy === undefined) {
      const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>()
      proxy = new Proxy(Object.freeze({}), {
        get(_target, key) {
          if (typeof key !== 'string' || key === 'then') return undefined
          let method = methods.get(key)
          if (method === undefined) {
            method = (...args: unknown[]) => registry.call(provider, key, args)
            methods.set(key, method)
          }
          return method
        },
      })
      used.set(provider, proxy)
    }
    return proxy
  }) as PluginContext['use']
}
