import { MemoryStore, noopLogger, type Store } from '@switchyard/core'
import { createPluginSecrets, loadSecretKey, SecretVault } from '@switchyard/host'
import type { PluginSecrets } from '@switchyard/plugin-sdk'

/**
 * A plugin's secrets as `ctx.secrets` gives them (the host's vault, values encrypted into the Store), over a fresh
 * MemoryStore unless `store` is given: for unit tests of code that takes `PluginSecrets`. The key is the one a
 * test host on the same `store` uses, so both see the same secrets.
 *
 * @example
 * ```ts
 * const secrets = createTestSecrets('webhooks')
 * await secrets.set('token', 'whsec_…')
 * ```
 */
export function createTestSecrets(plugin: string, store: Store = new MemoryStore()): PluginSecrets {
  const vault = new SecretVault(store)
  const secrets = createPluginSecrets(vault, plugin)
  const opened = loadSecretKey({ env: {}, owner: store, logger: noopLogger }).then((key) => vault.open(key))
  return {
    async get(name) {
      await opened
      return secrets.get(name)
    },
    async set(name, value) {
      await opened
      return secrets.set(name, value)
    },
    async delete(name) {
      await opened
      return secrets.delete(name)
    },
  }
}
