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
