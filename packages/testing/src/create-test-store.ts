import { MemoryStore, type Store } from '@switchyard/core'
import { createPluginStore } from '@switchyard/host'
import type { PluginStore } from '@switchyard/plugin-sdk'

/**
 * A plugin's key-value store as `ctx.store` gives it (the host's own implementation, namespaced by plugin name),
 * over a fresh MemoryStore unless `store` is given: for unit tests of code that takes a `PluginStore`.
 *
 * @example
 * ```ts
 * const kv = createTestStore('audit-log')
 * await kv.set('last', { id: 1 })
 * ```
 */
export function createTestStore(plugin: string, store: Store = new MemoryStore()): PluginStore {
  return createPluginStore(store, plugin)
}
