export type { ArchiveEntry } from './archive-entry.js'
export type { Catalog, CatalogEntry, CatalogProblem } from './build-catalog.js'
export { type Compatibility, compatibilityOf, hostRangeOf } from './compatibility.js'
export { integrityOf, verifyIntegrity, verifySha256 } from './digest.js'
export {
  AlreadyInstalledError,
  ArchiveFormatError,
  ArchiveLimitError,
  DependencyInstallError,
  DownloadError,
  HasDependentsError,
  IncompatiblePluginError,
  IntegrityError,
  InvalidInstallRequestError,
  LockfileError,
  MARKETPLACE_ERROR_STATUS,
  MarketplaceConfigError,
  NotAPluginError,
  NotInstalledError,
  PackageNotFoundError,
  PluginStartError,
  PluginVerifyError,
  SourceNotAllowedError,
  UnsafeArchiveError,
  UpgradeSourceError,
} from './errors.js'
export { extractArchive } from './extract-archive.js'
export {
  type InstallRequest,
  InstallRequestSchema,
  parseInstallRequest,
  UpgradeRequestSchema,
} from './install-request.js'
export { LOCKFILE_NAME, type LockEntry, type LockSource } from './lockfile.js'
export { type InstalledPlugin, Marketplace, type UpgradeResult } from './marketplace.js'
export {
  type MarketplaceConfig,
  type MarketplaceConfigInput,
  MarketplaceConfigSchema,
  type MarketplaceLimits,
  parseMarketplaceConfig,
} from './marketplace-config.js'
export type { MarketplaceOptions } from './marketplace-context.js'
export type { MarketplaceHooks, PluginPackage, ReplaceSteps } from './marketplace-hooks.js'
export { PLUGIN_KEYWORD } from './registry-client.js'
