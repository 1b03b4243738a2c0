import { ConfigError, type ConfigIssue, type LoadedConfig } from '@switchyard/host'
import { Marketplace, MarketplaceConfigError } from '@switchyard/marketplace'
import type { MarketplaceSettings } from './marketplace-api.js'

/**
 * The server's `Marketplace` for a loaded configuration. An invalid `marketplace:` section (a `trusted_keys` entry
 * that is not an Ed25519 or P-256 key, an `allowed_sources` entry that is not a URL, …) becomes a `ConfigError`
 * naming the file, line and column of each bad key, as the rest of the configuration's errors do.
 *
 * @example
 * ```ts
 * const marketplace = openMarketplace(await loadConfig('config/switchyard.yaml'), { hostVersion, cwd })
 * ```
 */
export function openMarketplace(loaded: LoadedConfig, settings: MarketplaceSettings): Marketplace {
  try {
    return new Marketplace({ ...settings, config: loaded.config.marketplace })
  } catch (error) {
    throw locateMarketplaceIssues(error, loaded)
  }
}

/**
 * A `MarketplaceConfigError` with its issues placed in the file (`file:line:column: marketplace.x: …`); any other
 * error as it is.
 *
 * @example
 * ```ts
 * throw locateMarketplaceIssues(error, loaded)
 * ```
 */
export function locateMarketplaceIssues(error: unknown, loaded: LoadedConfig): unknown {
  if (!(error instanceof MarketplaceConfigError) || error.issues.length === 0) return error
  return new ConfigError(
    error.issues.map((issue): ConfigIssue => {
      const path = ['marketplace', ...issue.path]
      const at = loaded.locate(path)
      return {
        file: loaded.file,
        path: path.map(String).join('.'),
        line: at?.line,
        column: at?.column,
        message: issue.message,
      }
    }),
    { cause: error },
  )
}
