import type { Provides } from '@switchyard/plugin-sdk'
import { type PluginScope, pluginScope } from '../faults/plugin-scope.js'

/**
 * What a running plugin offers through `provides`, as the registry calls it: the names it offers and a call by
 * name with already-copied arguments. An isolated plugin's sandbox implements it with messages.
 */
export interface Provider {
  names(): string[]
  call(method: string, args: unknown[]): Promise<unknown>
}

/**
 * The `Provider` of a plugin running in this process: calls run in the provider's plugin scope, so a fault they
 * leave behind is charged to the provider, not to the caller.
 *
 * @example
 * ```ts
 * const provider = inProcessProvider({ quote: async (sku: string) => 3 }, scope)
 * await provider.call('quote', ['A-1']) // 3
 * ```
 */
export function inProcessProvider(provides: Provides, scope: PluginScope): Provider {
  const functions = new Map(
    Object.entries(provides).filter(
      (entry): entry is [string, (...args: unknown[]) => unknown] => typeof entry[1] === 'function',
    ),
  )
  return {
    names: () => [...functions.keys()],
    async call(method, args) {
      const fn = functions.get(method) as (...args: unknown[]) => unknown
      return pluginScope.run(scope, () => fn.apply(provides, args))
    },
  }
}
