import { SwitchyardError } from '@switchyard/core'

type ErrorOptions = { cause?: unknown }

/** One problem of the marketplace section: the key path inside the section and what was wrong there. */
export interface MarketplaceConfigIssue {
  path: readonly PropertyKey[]
  message: string
}

/**
 * The marketplace section of the configuration, or the options given in code, are invalid. `issues` name each
 * key path (inside the section), so a caller holding the file can point at its line.
 */
export class MarketplaceConfigError extends SwitchyardError {
  readonly issues: readonly MarketplaceConfigIssue[]

  constructor(message: string, issues: readonly MarketplaceConfigIssue[] = []) {
    super('E_CONFIG', `marketplace: ${message}`)
    this.issues = issues
  }
}

/** An install request body is malformed; the message names each wrong field. */
export class InvalidInstallRequestError extends SwitchyardError {
  constructor(message: string) {
    super('E_VALIDATION', `install request: ${message}`)
  }
}

/** The kind of source (registry, index or direct URL) or the URL is not in `allowed_sources`. */
export class SourceNotAllowedError extends SwitchyardError {
  constructor(source: string) {
    super('E_SOURCE_NOT_ALLOWED', `source ${source} is not allowed: add it to marketplace.allowed_sources`)
  }
}

/** A registry, index or archive could not be fetched: network error, timeout or a non-2xx answer. */
export class DownloadError extends SwitchyardError {
  /** The HTTP status when the server answered, else undefined. */
  readonly status: number | undefined

  constructor(url: string, reason: string, options?: ErrorOptions & { status?: number }) {
    super('E_DOWNLOAD', `cannot download ${url}: ${reason}`, options)
    this.status = options?.status
  }
}

/** No package or index entry has that name, or no version satisfies the requested range. */
export class PackageNotFoundError extends SwitchyardError {
  constructor(what: string) {
    super('E_NOT_FOUND', `${what} not found in the registry or the indexes`)
  }
}

/** The downloaded bytes do not match the registry's `dist.integrity` or the given sha256. */
export class IntegrityError extends SwitchyardError {
  constructor(url: string, expected: string, actual: string) {
    super(
      'E_INTEGRITY',
      `${url}: integrity mismatch, expected ${expected}, got ${actual}; nothing was installed`,
    )
  }
}

/**
 * A signature check refused the package: unsigned, signed by a key not trusted while `require_signature` is on, a
 * signature that does not verify, or an upgrade signed by another key than the installed version's.
 */
export class SignatureError extends SwitchyardError {
  constructor(what: string, reason: string) {
    super('E_SIGNATURE', `${what}: ${reason}; nothing was installed`)
  }
}

/** A signing key file cannot be used: unreadable, not an Ed25519 private key, or without a valid `key_id:` line. */
export class SigningKeyError extends SwitchyardError {
  constructor(file: string, reason: string, options?: ErrorOptions) {
    super('E_SIGNING_KEY', `${file}: ${reason}`, options)
  }
}

/** The archive is neither a gzip tarball nor a zip, or it is corrupt. */
export class ArchiveFormatError extends SwitchyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_ARCHIVE_FORMAT', `archive: ${message}`, options)
  }
}

/** An archive entry would land outside the plugin folder or is not a plain file, folder or inner link. */
export class UnsafeArchiveError extends SwitchyardError {
  constructor(entry: string, reason: string) {
    super('E_UNSAFE_ARCHIVE', `archive entry "${entry}" rejected: ${reason}`)
  }
}

/** The archive is over a size or file-count limit (a zip bomb, or `marketplace.limits` is too small). */
export class ArchiveLimitError extends SwitchyardError {
  constructor(what: string, limit: number) {
    super('E_ARCHIVE_LIMIT', `archive exceeds the limit of ${limit} ${what} (marketplace.limits)`)
  }
}

/** The package has no package.json, no `eventPlugin` field, or not the name that was asked for. */
export class NotAPluginError extends SwitchyardError {
  constructor(message: string) {
    super('E_NOT_A_PLUGIN', message)
  }
}

/** The plugin's declared host range does not include the running Switchyard version. */
export class IncompatiblePluginError extends SwitchyardError {
  constructor(name: string, range: string, hostVersion: string) {
    super('E_INCOMPATIBLE', `${name} requires Switchyard ${range}, this host is ${hostVersion}`)
  }
}

/** `npm install` of the plugin's own dependencies failed or timed out. */
export class DependencyInstallError extends SwitchyardError {
  constructor(name: string, reason: string, options?: ErrorOptions) {
    super('E_DEPENDENCY_INSTALL', `installing the dependencies of ${name} failed: ${reason}`, options)
  }
}

/** The caller's `verify` hook rejected the staged plugin (it failed to load, or threw in setup). */
export class PluginVerifyError extends SwitchyardError {
  constructor(name: string, cause: unknown) {
    super('E_PLUGIN_VERIFY', `${name} failed verification in staging: ${reasonOf(cause)}`, { cause })
  }
}

/** The caller's `start` hook failed; `rolledBack` says whether the previous state was restored. */
export class PluginStartError extends SwitchyardError {
  readonly rolledBack: boolean

  constructor(name: string, cause: unknown, rolledBack: boolean) {
    const outcome = rolledBack ? 'the previous state was restored' : 'restoring the previous state failed too'
    super('E_PLUGIN_START', `${name} failed to start: ${reasonOf(cause)}; ${outcome}`, { cause })
    this.rolledBack = rolledBack
  }
}

/** `install` of a name that is already installed (use `upgrade`), or whose folder exists unlisted. */
export class AlreadyInstalledError extends SwitchyardError {
  constructor(name: string, found: { version: string } | { unlistedDir: string }) {
    super(
      'E_ALREADY_INSTALLED',
      'version' in found
        ? `${name}@${found.version} is already installed: upgrade or uninstall it first`
        : `${found.unlistedDir} already exists but is not in the lockfile: remove it to install ${name}`,
    )
  }
}

/** `upgrade` or `uninstall` of a name the lockfile does not list. */
export class NotInstalledError extends SwitchyardError {
  constructor(name: string) {
    super('E_NOT_INSTALLED', `${name} is not installed by the marketplace`)
  }
}

/** `uninstall` without `force` while other plugins depend on this one. */
export class HasDependentsError extends SwitchyardError {
  readonly dependents: readonly string[]

  constructor(name: string, dependents: readonly string[]) {
    super('E_HAS_DEPENDENTS', `${name} is needed by ${dependents.join(', ')}: uninstall them first or force`)
    this.dependents = dependents
  }
}

/** `upgrade` of a plugin installed from a direct URL, which has no versions to choose from. */
export class UpgradeSourceError extends SwitchyardError {
  constructor(name: string) {
    super('E_UPGRADE_SOURCE', `${name} was installed from a URL: install the new archive after uninstalling`)
  }
}

/** The lockfile exists but cannot be read or is malformed. */
export class LockfileError extends SwitchyardError {
  constructor(file: string, reason: string, options?: ErrorOptions) {
    super('E_LOCKFILE', `${file}: ${reason}`, options)
  }
}

/**
 * The HTTP status the server should answer each marketplace error code with.
 *
 * @example
 * ```ts
 * const status = MARKETPLACE_ERROR_STATUS[error.code] ?? 500
 * ```
 */
export const MARKETPLACE_ERROR_STATUS: Readonly<Record<string, number>> = {
  E_CONFIG: 400,
  E_VALIDATION: 400,
  E_SOURCE_NOT_ALLOWED: 403,
  E_NOT_FOUND: 404,
  E_NOT_INSTALLED: 404,
  E_ALREADY_INSTALLED: 409,
  E_HAS_DEPENDENTS: 409,
  E_UPGRADE_SOURCE: 409,
  E_INTEGRITY: 422,
  E_SIGNATURE: 422,
  E_SIGNING_KEY: 400,
  E_ARCHIVE_FORMAT: 422,
  E_UNSAFE_ARCHIVE: 422,
  E_ARCHIVE_LIMIT: 422,
  E_NOT_A_PLUGIN: 422,
  E_INCOMPATIBLE: 422,
  E_PLUGIN_VERIFY: 422,
  E_PLUGIN_START: 422,
  E_DOWNLOAD: 424,
  E_DEPENDENCY_INSTALL: 424,
  E_LOCKFILE: 500,
}

function reasonOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
