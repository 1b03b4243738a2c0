import type { Store } from '@switchyard/core'
import type { PluginStore } from '@switchyard/plugin-sdk'

/**
 * A plugin's KV namespace (`ctx.store`): the core Store's KV methods with the namespace bound to the plugin name.
 *
 * @example
 * ```ts
 * const kv = createPluginStore(new MemoryStore(), 'audit-log')
 * await kv.set('last', { id: 1 })
 * ```
 */
export function createPluginStore(store: Store, namespace: string): PluginStore {
  return {
    get: <T>(key: string) => store.kvGet(namespace, key) as Promise<T | undefined>,
    set: (key, value, options) => store.kvSet(namespace, key, value, options),
    delete: (key) => store.kvDelete(namespace, key),
    list: (options) => store.kvList(namespace, options),
  }
}
