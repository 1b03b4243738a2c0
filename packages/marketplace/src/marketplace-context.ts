import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { LockSource } from './install/lockfile.js'
import type { MarketplaceHooks } from './install/marketplace-hooks.js'
import {
  type MarketplaceConfig,
  type MarketplaceConfigInput,
  parseMarketplaceConfig,
} from './marketplace-config.js'
import type { FetchOptions } from './registry/fetch-resource.js'
import { readNpmrcToken } from './registry/npmrc-token.js'
import { RegistryClient } from './registry/registry-client.js'
import { isAllowedSource } from './trust/allowed-source.js'
import { TrustedKeys } from './trust/trusted-keys.js'

/**
 * Options of `new Marketplace(...)`.
 *
 * @example
 * ```ts
 * const options: MarketplaceOptions = { config: config.marketplace, hostVersion: '0.1.0', cwd: '/srv/app' }
 * ```
 */
export interface MarketplaceOptions {
  /** The `marketplace:` section of the configuration (validated again here; defaults applied). */
  config?: MarketplaceConfigInput | MarketplaceConfig
  /** The running Switchyard version, checked against each plugin's declared host range. */
  hostVersion: string
  /** Base of a relative `install_dir` and of index paths; `process.cwd()` by default. */
  cwd?: string
  /** Hooks used when a call passes none of its own. */
  hooks?: MarketplaceHooks
  /**
   * Dependencies the host provides and npm must not install (exact names, or `@scope/*`): the packages plugins
   * must share with the host, `['@switchyard/core', '@switchyard/plugin-sdk']` by default. Other packages of the
   * scope (a plugin importing `@switchyard/plugin-webhooks` as a library) are installed like any dependency.
   */
  providedPackages?: readonly string[]
  /** npmrc files searched for the registry token; `<cwd>/.npmrc` and `~/.npmrc` by default. */
  npmrcFiles?: readonly string[]
  /** The npm executable; `npm` by default. */
  npmCommand?: string
}

/** Everything the marketplace's steps share, resolved once from the options. */
export interface MarketplaceContext {
  config: MarketplaceConfig
  hostVersion: string
  cwd: string
  installDir: string
  fetch: FetchOptions
  /** Null when no registry is configured. */
  registry(): Promise<RegistryClient | null>
  token(): Promise<string | null>
  provided: readonly string[]
  npmCommand: string
  /** Whether `allowed_sources` lists the source's kind or a URL it is or lies under. */
  allows(source: LockSource): boolean
  /** The `trusted_keys` of the configuration, read once. */
  trustedKeys: TrustedKeys
}

/**
 * Resolves marketplace options into the shared context (config validated, paths absolute, token looked up
 * lazily from the config or the npmrc files).
 *
 * @example
 * ```ts
 * const context = createContext({ config: { enabled: true }, hostVersion: '0.1.0' })
 * ```
 */
export function createContext(options: MarketplaceOptions): MarketplaceContext {
  const config = parseMarketplaceConfig(options.config)
  const cwd = options.cwd ?? process.cwd()
  const fetch: FetchOptions = {
    timeoutMs: config.limits.timeout_ms,
    maxBytes: config.limits.max_download_bytes,
  }
  const npmrcFiles = options.npmrcFiles ?? [join(cwd, '.npmrc'), join(homedir(), '.npmrc')]
  let token: Promise<string | null> | undefined
  const getToken = () => {
    token ??= config.registry === null ? Promise.resolve(null) : lookupToken(config, npmrcFiles)
    return token
  }
  return {
    config,
    hostVersion: options.hostVersion,
    cwd,
    installDir: resolve(cwd, config.install_dir),
    fetch,
    token: getToken,
    async registry() {
      if (config.registry === null) return null
      return new RegistryClient(config.registry, { ...fetch, token: await getToken() })
    },
    provided: options.providedPackages ?? ['@switchyard/core', '@switchyard/plugin-sdk'],
    npmCommand: options.npmCommand ?? 'npm',
    allows: (source) => isAllowedSource(config.allowed_sources, source),
    trustedKeys: new TrustedKeys(config.trusted_keys),
  }
}

async function lookupToken(config: MarketplaceConfig, files: readonly string[]): Promise<string | null> {
  if (config.token) return config.token
  return (await readNpmrcToken(config.registry!, files)) ?? null
}
