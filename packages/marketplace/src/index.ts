export type { ArchiveEntry } from './archive/archive-entry.js'
export { integrityOf, verifyIntegrity, verifySha256 } from './archive/digest.js'
export { extractArchive } from './archive/extract-archive.js'
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
  type MarketplaceConfigIssue,
  NotAPluginError,
  NotInstalledError,
  PackageNotFoundError,
  PluginStartError,
  PluginVerifyError,
  SignatureError,
  SigningKeyError,
  SourceNotAllowedError,
  UnsafeArchiveError,
  UpgradeSourceError,
} from './errors.js'
export { type Compatibility, compatibilityOf, hostRangeOf } from './install/compatibility.js'
export {
  INSTALL_STEPS,
  type InstallProgress,
  type InstallStep,
  type ProgressListener,
} from './install/install-progress.js'
export {
  type InstallRequest,
  InstallRequestSchema,
  parseInstallRequest,
  UpgradeRequestSchema,
} from './install/install-request.js'
export { LOCKFILE_NAME, type LockEntry, type LockSource } from './install/lockfile.js'
export type { MarketplaceHooks, PluginPackage, ReplaceSteps } from './install/marketplace-hooks.js'
export { type InstalledPlugin, Marketplace, type UpgradeResult } from './marketplace.js'
export {
  type MarketplaceConfig,
  type MarketplaceConfigInput,
  MarketplaceConfigSchema,
  type MarketplaceLimits,
  parseMarketplaceConfig,
} from './marketplace-config.js'
export type { MarketplaceOptions } from './marketplace-context.js'
export type { Catalog, CatalogEntry, CatalogProblem } from './registry/build-catalog.js'
export { PLUGIN_KEYWORD } from './registry/registry-client.js'
export { UNSIGNED } from './trust/check-signature.js'
export { digestArchive } from './trust/digest-archive.js'
export { fingerprintOf, KEY_ID, KEY_NAME, keyIdOf } from './trust/key-id.js'
export { type ArchiveSignature, signArchive } from './trust/sign-archive.js'
export {
  readSigningKey,
  type SigningKey,
  type WrittenSigningKey,
  writeSigningKey,
} from './trust/signing-key.js'
