import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { InvalidConfigFileError, UsageError } from '../errors.js'
import { DEFAULT_CONFIG_FILE } from '../start/default-config-file.js'
import type { CliCommand } from './cli-command.js'

/**
 * `switchyard config validate [FILE]`: reads a configuration as `start` would (`${VAR}` from the environment),
 * checks the marketplace section and each plugin's config against that plugin's own schema (the plugins found as
 * `start` finds them from the working directory), and prints each problem as `file:line:column: key.path:
 * message`, exiting 1; a valid file prints a summary. A plugin section naming no plugin found is a warning.
 *
 * @example
 * ```sh
 * switchyard config validate config/switchyard.yaml
 * ```
 */
export const configCommand: CliCommand = (program, io) => {
  const config = program.command('config').description('Check a configuration file')
  config
    .command('validate [file]')
    .description(
      "Validate a configuration file and each plugin's config against its schema; problems with file:line, exit 1",
    )
    .action(async (file: string | undefined) => {
      const path = file ?? DEFAULT_CONFIG_FILE
      if (!existsSync(path)) throw new UsageError(`no configuration file at ${path}`)
      const { ConfigError, checkPluginConfigs, formatConfigIssue, loadConfig } = await import(
        '@switchyard/host'
      )
      const { parseMarketplaceConfig } = await import('@switchyard/marketplace')
      const { locateMarketplaceIssues } = await import('../runtime/open-marketplace.js')
      const refuse = (error: unknown): never => {
        if (!(error instanceof ConfigError)) throw error
        for (const issue of error.issues) io.err(`${formatConfigIssue(issue)}\n`)
        throw new InvalidConfigFileError(path, error.issues.length)
      }
      const loaded = await loadConfig(path, { env: io.env }).catch(refuse)
      const installDir = (() => {
        try {
          return parseMarketplaceConfig(loaded.config.marketplace).install_dir
        } catch (error) {
          return refuse(locateMarketplaceIssues(error, loaded))
        }
      })()
      // Relative paths are the working directory's, as for `start`.
      const cwd = process.cwd()
      const plugins = await checkPluginConfigs(loaded, { cwd, directories: [resolve(cwd, installDir)] })
      for (const warning of plugins.warnings) io.err(`warning: ${formatConfigIssue(warning)}\n`)
      if (plugins.issues.length > 0) refuse(new ConfigError(plugins.issues))
      const valid = loaded.config
      const checked = plugins.checked.length
      io.out(
        `${path}: valid (server ${valid.server.host}:${valid.server.port}, storage ${valid.storage.driver}, transport ${valid.transport.driver}, ${checked} plugin config${checked === 1 ? '' : 's'} checked against their schemas)\n`,
      )
    })
}
