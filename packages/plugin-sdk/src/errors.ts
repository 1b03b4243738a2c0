import { ConfigError, SwitchyardError } from '@switchyard/core'

/**
 * A plugin called a context method whose permission it did not declare (E_PERMISSION).
 *
 * @example
 * ```ts
 * // plugin "audit-log" without 'events:publish' calling ctx.publish(...) throws:
 * // plugin "audit-log" called ctx.publish without permission "events:publish"; add it to its permissions
 * ```
 */
export class PermissionError extends SwitchyardError {
  readonly plugin: string
  readonly method: string
  readonly permission: string

  constructor(plugin: string, method: string, permission: string) {
    super(
      'E_PERMISSION',
      `plugin "${plugin}" called ctx.${method} without permission "${permission}"; add '${permission}' to its permissions`,
    )
    this.plugin = plugin
    this.method = method
    this.permission = permission
  }
}

/** A module or object is not a valid plugin: no plugin export, bad name or version, missing setup (E_PLUGIN_LOAD). */
export class PluginLoadError extends SwitchyardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_PLUGIN_LOAD', message, options)
  }
}

/** One problem in a plugin's config, with the path inside that config. */
export interface PluginConfigIssue {
  /** Dotted path inside the plugin's config; empty for the config as a whole. */
  path: string
  message: string
}

/** A plugin's config does not match its `config` schema (E_CONFIG). `issues` carry the paths. */
export class PluginConfigError extends ConfigError {
  readonly plugin: string
  readonly issues: readonly PluginConfigIssue[]

  constructor(plugin: string, issues: readonly PluginConfigIssue[]) {
    const lines = issues.map((issue) => `  ${issue.path === '' ? '(config)' : issue.path}: ${issue.message}`)
    super(`plugin "${plugin}" has an invalid config:\n${lines.join('\n')}`)
    this.plugin = plugin
    this.issues = issues
  }
}

/** A plugin's `setup` (or its `stop`) threw; `cause` is what it threw (E_PLUGIN_SETUP). */
export class PluginSetupError extends SwitchyardError {
  readonly plugin: string

  constructor(plugin: string, phase: 'setup' | 'stop', cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super('E_PLUGIN_SETUP', `plugin "${plugin}" ${phase} failed: ${reason}`, { cause })
    this.plugin = plugin
  }
}

/** A plugin's `setup` or stop did not finish within its deadline (E_TIMEOUT). */
export class PluginTimeoutError extends SwitchyardError {
  readonly plugin: string

  constructor(plugin: string, phase: 'start' | 'stop', timeoutMs: number) {
    super('E_TIMEOUT', `plugin "${plugin}" did not ${phase} within ${timeoutMs}ms`)
    this.plugin = plugin
  }
}

/** A plugin's dependencies cannot be met; the message holds the chain, e.g. `a -> b: missing dependency "c"`. */
export class PluginDependencyError extends SwitchyardError {
  readonly chain: readonly string[]
  readonly reason: string

  constructor(chain: readonly string[], reason: string) {
    super('E_PLUGIN_DEPENDENCY', `${chain.join(' -> ')}: ${reason}`)
    this.chain = chain
    this.reason = reason
  }
}

/** A plugin that declared `publishes` published a type it did not declare (E_UNDECLARED_EVENT). */
export class UndeclaredEventError extends SwitchyardError {
  constructor(plugin: string, type: string) {
    super(
      'E_UNDECLARED_EVENT',
      `plugin "${plugin}" published "${type}", which is not in its publishes; declare it to publish it`,
    )
  }
}

/** A plugin used its context after it was stopped (or after its setup failed or timed out). */
export class PluginStoppedError extends SwitchyardError {
  constructor(plugin: string, method: string) {
    super('E_PLUGIN_STOPPED', `plugin "${plugin}" called ctx.${method} after it was stopped`)
  }
}

/** `ctx.use(name)` of a plugin not listed in the caller's dependencies (E_UNDECLARED_DEPENDENCY). */
export class UndeclaredDependencyError extends SwitchyardError {
  constructor(plugin: string, provider: string) {
    super(
      'E_UNDECLARED_DEPENDENCY',
      `plugin "${plugin}" called ctx.use("${provider}") but does not depend on it; add "${provider}" to its dependencies`,
    )
  }
}

/** A plugin called a function its provider does not offer in `provides` (E_UNKNOWN_EXPORT). */
export class UnknownExportError extends SwitchyardError {
  constructor(provider: string, method: string, known: readonly string[]) {
    super(
      'E_UNKNOWN_EXPORT',
      `plugin "${provider}" provides no "${method}"; it provides: ${known.length === 0 ? '(nothing)' : known.join(', ')}`,
    )
  }
}

/** A call through `ctx.use` to a provider that is not running: disabled, failed, stopped or reloading (E_PROVIDER_UNAVAILABLE). */
export class ProviderUnavailableError extends SwitchyardError {
  readonly provider: string

  constructor(provider: string, state: string) {
    super(
      'E_PROVIDER_UNAVAILABLE',
      `plugin "${provider}" is ${state}: its provided functions cannot be called`,
    )
    this.provider = provider
  }
}

/** A statement on a plugin's database failed; the message holds the database's own error (E_DATABASE). */
export class PluginDatabaseError extends SwitchyardError {
  readonly plugin: string

  constructor(plugin: string, reason: string, options?: { cause?: unknown }) {
    super('E_DATABASE', `plugin "${plugin}" database: ${reason}`, options)
    this.plugin = plugin
  }
}

/** A declared migration failed and was rolled back; the plugin does not start (E_MIGRATION). */
export class PluginMigrationError extends SwitchyardError {
  readonly plugin: string
  readonly migration: string

  constructor(plugin: string, migration: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(
      'E_MIGRATION',
      `plugin "${plugin}" migration "${migration}" failed and was rolled back: ${reason}`,
      {
        cause,
      },
    )
    this.plugin = plugin
    this.migration = migration
  }
}

/**
 * A provided function threw or rejected (E_PROVIDER_CALL). `cause` is a plain `{ name, message, code? }` copy of
 * its error, the same in-process as across a worker or process boundary.
 */
export class ProviderCallError extends SwitchyardError {
  readonly provider: string
  readonly method: string

  constructor(provider: string, method: string, cause: { name: string; message: string; code?: string }) {
    super('E_PROVIDER_CALL', `plugin "${provider}" ${method}() failed: ${cause.message}`, { cause })
    this.provider = provider
    this.method = method
  }
}

/** Arguments or a result of a call through `ctx.use` cannot be copied as a structured clone (E_NOT_SERIALISABLE). */
export class UnserialisableValueError extends SwitchyardError {
  constructor(what: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super('E_NOT_SERIALISABLE', `${what} cannot be copied (structured clone): ${reason}`, { cause })
  }
}
