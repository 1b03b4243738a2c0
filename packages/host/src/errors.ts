import { ConfigError as CoreConfigError, SwitchyardError } from '@switchyard/core'

/** One problem in a configuration: where it is and what was wrong. */
export interface ConfigIssue {
  /** The file, when the configuration came from one. */
  file?: string | undefined
  /** Dotted key path, e.g. `delivery.retry.attempts`; empty for the whole file. */
  path: string
  /** 1-based line and column, when the configuration came from a file and the key is in it. */
  line?: number | undefined
  column?: number | undefined
  /** `expected …, got …`, `unknown key "x"`, or the parser's message. */
  message: string
  expected?: string | undefined
  received?: string | undefined
}

/**
 * A configuration file or object is invalid (E_CONFIG). Each issue names the file, key path, line and column;
 * the message lists them one per line as `file:line:column: path: message`. Extends core's `ConfigError`, so
 * `instanceof` either works.
 *
 * @example
 * ```ts
 * try { await loadConfig('bad.yaml') } catch (error) {
 *   if (error instanceof ConfigError) console.log(error.issues[0]?.line)
 * }
 * ```
 */
export class ConfigError extends CoreConfigError {
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(`invalid configuration:\n${issues.map(formatConfigIssue).join('\n')}`, options)
    this.issues = issues
  }
}

/**
 * Formats one issue as `file:line:column: path: message`, leaving out what is unknown.
 *
 * @example
 * ```ts
 * formatConfigIssue({ file: 'a.yaml', path: 'server.port', line: 2, column: 9, message: 'expected number, got "x"' })
 * // 'a.yaml:2:9: server.port: expected number, got "x"'
 * ```
 */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = [issue.file, issue.line, issue.column].filter((part) => part !== undefined).join(':')
  return [where, issue.path, issue.message].filter((part) => part !== '' && part !== undefined).join(': ')
}

/**
 * A `config.load` contribution failed while a plugin was being configured (E_CONFIG): it threw, did not finish in
 * time, or returned something other than `{ plugin, config }` with `config` an object (or undefined). `plugin`
 * is the plugin being configured, which does not start; `source` the plugin that made the contribution.
 *
 * @example
 * ```ts
 * // plugins.orders.config: config.load contribution of plugin "vault" failed for plugin "orders": it threw: sealed
 * if (error instanceof ConfigSourceError) console.log(error.source, error.plugin) // 'vault' 'orders'
 * ```
 */
export class ConfigSourceError extends ConfigError {
  readonly plugin: string
  readonly source: string | undefined

  constructor(
    where: { plugin: string; source: string | undefined; file?: string | undefined },
    problem: string,
    options?: { cause?: unknown },
  ) {
    const { plugin, source, file } = where
    const by =
      source === undefined
        ? 'a config.load contribution registered outside any plugin'
        : `config.load contribution of plugin "${source}"`
    super(
      [
        {
          file,
          path: `plugins.${plugin}.config`,
          message: `${by} failed for plugin "${plugin}": ${problem}`,
        },
      ],
      options,
    )
    this.plugin = plugin
    this.source = source
  }
}

/** The host has no plugin of that name. */
export class PluginNotFoundError extends SwitchyardError {
  constructor(name: string) {
    super('E_NOT_FOUND', `plugin "${name}" not found`)
  }
}

/** An operation that needs a plugin stopped (purging its data) was asked of a running one (E_PLUGIN_RUNNING). */
export class PluginRunningError extends SwitchyardError {
  constructor(name: string) {
    super('E_PLUGIN_RUNNING', `plugin "${name}" is running; remove or disable it before purging its data`)
  }
}

/** How a fault reached the host: an exception no code caught, a rejection no code handled, or `process.exit`. */
export type FaultKind = 'uncaught exception' | 'unhandled rejection' | 'process.exit'

/** The delivery attempt a fault happened in: its event, handler and attempt number. */
export interface FaultDelivery {
  eventId: string
  handler: string
  attempt: number
}

/**
 * A plugin's code faulted outside the promise the host awaits (E_PLUGIN_FAULT): a rejection it did not handle, or
 * an exception thrown in a timer or callback it started. The delivery attempt it happened in fails with this
 * error. The message starts with the code because a delivery outcome and the ledger keep only the message.
 *
 * @example
 * ```ts
 * const fault = new PluginFaultError('audit', 'unhandled rejection', new Error('boom'))
 * fault.message // 'E_PLUGIN_FAULT: plugin "audit" faulted (unhandled rejection): boom'
 * ```
 */
export class PluginFaultError extends SwitchyardError {
  readonly plugin: string
  readonly kind: FaultKind
  readonly delivery: FaultDelivery | undefined

  constructor(plugin: string, kind: FaultKind, cause: unknown, delivery?: FaultDelivery) {
    const where =
      delivery === undefined
        ? ''
        : ` in handler ${delivery.handler} (event ${delivery.eventId}, attempt ${delivery.attempt})`
    super(
      'E_PLUGIN_FAULT',
      `E_PLUGIN_FAULT: plugin "${plugin}" faulted (${kind})${where}: ${reasonOf(cause)}`,
      {
        cause,
      },
    )
    this.plugin = plugin
    this.kind = kind
    this.delivery = delivery
  }
}

/**
 * Plugin code called `process.exit` (E_PLUGIN_EXIT); the host refused it and threw this instead. The message
 * starts with the code for the same reason as `PluginFaultError`'s.
 *
 * @example
 * ```ts
 * new PluginExitError('audit', 1).message
 * // 'E_PLUGIN_EXIT: plugin "audit" called process.exit(1); a plugin may not end the process: throw or return instead'
 * ```
 */
export class PluginExitError extends SwitchyardError {
  readonly plugin: string

  constructor(plugin: string, exitCode: unknown) {
    super(
      'E_PLUGIN_EXIT',
      `E_PLUGIN_EXIT: plugin "${plugin}" called process.exit(${exitCode === undefined ? '' : String(exitCode)}); a plugin may not end the process: throw or return instead`,
    )
    this.plugin = plugin
  }
}

/**
 * A plugin faulted `count` times within `windowMs` and was stopped as `failed` (E_PLUGIN_FAULT); `cause` is
 * its last fault. Enabling it again starts it with a fresh window.
 *
 * @example
 * ```ts
 * new PluginFaultLimitError('audit', 5, 60_000, lastFault).message
 * // 'plugin "audit" faulted 5 times within 60000ms and was stopped; last: E_PLUGIN_FAULT: …'
 * ```
 */
export class PluginFaultLimitError extends SwitchyardError {
  readonly plugin: string

  constructor(plugin: string, count: number, windowMs: number, last: Error) {
    super(
      'E_PLUGIN_FAULT',
      `plugin "${plugin}" faulted ${count} times within ${windowMs}ms and was stopped; last: ${last.message}`,
      { cause: last },
    )
    this.plugin = plugin
  }
}

function reasonOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

/**
 * The sandbox of an isolated plugin ended while a request to it was in flight (E_PLUGIN_CRASHED): the delivery
 * attempt, route or health check fails with this error and the delivery policy retries once it is back. The
 * message starts with the code, as `PluginFaultError`'s does, because an outcome keeps only the message.
 *
 * @example
 * ```ts
 * new PluginCrashedError('audit', 'worker', 'exited with code 1').message
 * // 'E_PLUGIN_CRASHED: plugin "audit" (worker) crashed: exited with code 1'
 * ```
 */
export class PluginCrashedError extends SwitchyardError {
  readonly plugin: string

  constructor(plugin: string, mode: string, detail: string) {
    super('E_PLUGIN_CRASHED', `E_PLUGIN_CRASHED: plugin "${plugin}" (${mode}) crashed: ${detail}`)
    this.plugin = plugin
  }
}

/**
 * The sandbox of an isolated plugin missed its heartbeat for `unresponsive_ms` and was terminated
 * (E_PLUGIN_UNRESPONSIVE); requests in flight fail with this error.
 *
 * @example
 * ```ts
 * new PluginUnresponsiveError('audit', 'worker', 1000).message
 * // 'E_PLUGIN_UNRESPONSIVE: plugin "audit" (worker) did not answer its heartbeat within 1000ms and was terminated'
 * ```
 */
export class PluginUnresponsiveError extends SwitchyardError {
  readonly plugin: string

  constructor(plugin: string, mode: string, unresponsiveMs: number) {
    super(
      'E_PLUGIN_UNRESPONSIVE',
      `E_PLUGIN_UNRESPONSIVE: plugin "${plugin}" (${mode}) did not answer its heartbeat within ${unresponsiveMs}ms and was terminated`,
    )
    this.plugin = plugin
  }
}

/**
 * An isolated plugin's sandbox ended `count` times within `windowMs` (`limits.max_restarts`) and the plugin was
 * stopped as `failed` (E_PLUGIN_CRASHED); `cause` is the last exit. Enabling it again starts it afresh.
 *
 * @example
 * ```ts
 * new PluginRestartLimitError('audit', 5, 60_000, lastExit).message
 * // 'plugin "audit" crashed 5 times within 60000ms and was stopped; last: E_PLUGIN_CRASHED: …'
 * ```
 */
export class PluginRestartLimitError extends SwitchyardError {
  readonly plugin: string

  constructor(plugin: string, count: number, windowMs: number, last: Error) {
    super(
      'E_PLUGIN_CRASHED',
      `plugin "${plugin}" crashed ${count} times within ${windowMs}ms and was stopped; last: ${last.message}`,
      { cause: last },
    )
    this.plugin = plugin
  }
}

/**
 * A sandbox sent a message the host does not accept (E_SANDBOX_PROTOCOL): it is terminated and restarted,
 * never trusted.
 *
 * @example
 * ```ts
 * new SandboxProtocolError('audit', 'message.type: expected one of call, result, …, got "x"')
 * ```
 */
export class SandboxProtocolError extends SwitchyardError {
  constructor(plugin: string, problem: string) {
    super('E_SANDBOX_PROTOCOL', `plugin "${plugin}" sent a malformed message and was terminated: ${problem}`)
  }
}

/**
 * What an isolated plugin asked for cannot cross the sandbox boundary (E_ISOLATION): an `http.middleware`
 * contribution (it would stall every request), or isolation of a plugin given as an object in code.
 *
 * @example
 * ```ts
 * new IsolationError('tracing', 'worker', 'an http.middleware contribution runs on every request; run it with isolation: none')
 * ```
 */
export class IsolationError extends SwitchyardError {
  readonly plugin: string

  constructor(plugin: string, mode: string, problem: string) {
    super('E_ISOLATION', `plugin "${plugin}" (isolation: ${mode}): ${problem}`)
    this.plugin = plugin
  }
}

/**
 * The service registry refused a call (E_SERVICE): the info or query is invalid (the message names the field),
 * the id belongs to another owner, or a `service.pre_register` contribution rejected it.
 *
 * @example
 * ```ts
 * new ServiceRegistryError('billing', 'id "b-1" is registered by "orders"').message
 * // 'service registry refused "billing": id "b-1" is registered by "orders"'
 * ```
 */
export class ServiceRegistryError extends SwitchyardError {
  constructor(owner: string, reason: string, options?: { cause?: unknown }) {
    super('E_SERVICE', `service registry refused "${owner}": ${reason}`, options)
  }
}

/**
 * `ctx.health(check, options)` was given a bad interval or timeout (E_HEALTH_OPTIONS); the message names the option.
 *
 * @example
 * ```ts
 * new HealthCheckOptionsError('db-health', 'intervalMs: expected an integer >= 100, got 5').message
 * // 'plugin "db-health": ctx.health intervalMs: expected an integer >= 100, got 5'
 * ```
 */
export class HealthCheckOptionsError extends SwitchyardError {
  constructor(plugin: string, problem: string) {
    super('E_HEALTH_OPTIONS', `plugin "${plugin}": ctx.health ${problem}`)
  }
}

/**
 * The key of `ctx.secrets` is unusable (E_SECRET_KEY): `SWITCHYARD_SECRET_KEY` or the key file is not the base64
 * of 32 bytes, or it is not the key the stored secrets were encrypted with. A start error: the host never reads
 * secrets with a wrong key.
 *
 * @example
 * ```ts
 * throw new SecretKeyError('SWITCHYARD_SECRET_KEY: expected the base64 of 32 bytes, got 12 bytes')
 * ```
 */
export class SecretKeyError extends SwitchyardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_SECRET_KEY', message, options)
  }
}

/**
 * A stored secret could not be decrypted (E_SECRET_DECRYPT): it was changed in the Store, moved to another
 * name, or encrypted under a key the host does not hold. Nothing is returned in its place.
 *
 * @example
 * ```ts
 * throw new SecretDecryptError('webhooks', 'subscription:whs_1')
 * ```
 */
export class SecretDecryptError extends SwitchyardError {
  readonly plugin: string
  readonly secret: string

  constructor(plugin: string, secret: string, options?: { cause?: unknown }) {
    super(
      'E_SECRET_DECRYPT',
      `secret "${secret}" of plugin "${plugin}" cannot be decrypted with the current key: it was altered or written under another key`,
      options,
    )
    this.plugin = plugin
    this.secret = secret
  }
}

/**
 * A `ctx.secrets` call got a name that is not a non-empty string of at most 256 characters, or a value that is
 * not a string (E_SECRET_INPUT).
 *
 * @example
 * ```ts
 * throw new SecretInputError('webhooks', 'value of "token" must be a string, got number')
 * ```
 */
export class SecretInputError extends SwitchyardError {
  constructor(plugin: string, problem: string) {
    super('E_SECRET_INPUT', `plugin "${plugin}" ctx.secrets: ${problem}`)
  }
}
