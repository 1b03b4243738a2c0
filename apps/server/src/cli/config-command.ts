import { existsSync } from 'node:fs'
import { InvalidConfigFileError, UsageError } from '../errors.js'
import { DEFAULT_CONFIG_FILE } from '../start/default-config-file.js'
import type { CliCommand } from './cli-command.js'

/**
 * `switchyard config validate [FILE]`: reads a configuration as `start` would (`${VAR}` from the environment)
 * and prints each problem as `file:line:column: key.path: message`, exiting 1; a valid file prints a summary.
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
    .description('Validate a configuration file; problems with file:line, exit 1')
    .action(async (file: string | undefined) => {
      const path = file ?? DEFAULT_CONFIG_FILE
      if (!existsSync(path)) throw new UsageError(`no configuration file at ${path}`)
      const { ConfigError, formatConfigIssue, loadConfig } = await import('@switchyard/host')
      try {
        const { config: valid } = await loadConfig(path, { env: io.env })
        const plugins = Object.keys(valid.plugins).length
        io.out(
          `${path}: valid (server ${valid.server.host}:${valid.server.port}, storage ${valid.storage.driver}, transport ${valid.transport.driver}, ${plugins} plugin section${plugins === 1 ? '' : 's'})\n`,
        )
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error
        for (const issue of error.issues) io.err(`${formatConfigIssue(issue)}\n`)
        throw new InvalidConfigFileError(path, error.issues.length)
      }
    })
}
