import { type Command, Option } from 'commander'
import type { LogFormat } from '../runtime/log-stream.js'
import { integerIn } from './parse-integer.js'

/** The options of the commands that run a server (`start`, `dev`). */
export interface ServerOptions {
  config?: string
  port?: number
  log?: LogFormat
}

/**
 * Adds `--config`, `--port` and `--log` to a command that runs the server.
 *
 * @example
 * ```ts
 * serverOptions(program.command('start')).action((options: ServerOptions) => runServer(options, io))
 * ```
 */
export function serverOptions(command: Command): Command {
  return command
    .option('--config <file>', 'the YAML configuration (default: config/switchyard.yaml when it exists)')
    .option(
      '--port <n>',
      'listen on this port instead of server.port (0: any free port)',
      integerIn(0, 65535),
    )
    .addOption(
      new Option(
        '--log <format>',
        'log as JSON lines or readable lines (default: pretty on a terminal, else json)',
      ).choices(['json', 'pretty']),
    )
}
