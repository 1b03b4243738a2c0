import type { PluginSecrets } from '@switchyard/plugin-sdk'
import { SecretInputError } from '../errors.js'
import type { SecretVault } from '../secrets/secret-vault.js'

const MAX_NAME_LENGTH = 256

/**
 * A plugin's `ctx.secrets`: the vault with the plugin's name bound, names and values checked at the call.
 *
 * @example
 * ```ts
 * const secrets = createPluginSecrets(vault, 'webhooks')
 * await secrets.set('subscription:whs_1', 'whsec_…')
 * ```
 */
export function createPluginSecrets(vault: SecretVault, plugin: string): PluginSecrets {
  const checkName = (name: unknown): string => {
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH)
      throw new SecretInputError(plugin, `a secret name is a string of 1 to ${MAX_NAME_LENGTH} characters`)
    return name
  }
  return {
    get: async (name) => vault.get(plugin, checkName(name)),
    async set(name, value) {
      checkName(name)
      if (typeof value !== 'string')
        throw new SecretInputError(plugin, `value of "${name}" must be a string, got ${typeof value}`)
      await vault.set(plugin, name, value)
    },
    delete: async (name) => vault.delete(plugin, checkName(name)),
  }
}
