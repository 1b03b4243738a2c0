import type { CliCommand } from './cli-command.js'
import { integerIn } from './parse-integer.js'

/**
 * `switchyard start [--config FILE] [--port N]`: runs the server until SIGTERM/SIGINT, then drains and exits 0
 * (a second signal exits 1 at once).
 *
 * @example
 * ```sh
 * switchyard start --config config/switchyard.yaml --port 9000
 * ```
 */
export const startCommand: CliCommand = (program, io) =>
  program
    .command('start')
    .description('Start the server (until SIGTERM/SIGINT)')
    .option('--config <file>', 'the YAML configuration (default: config/switchyard.yaml when it exists)')
    .option(
      '--port <n>',
      'listen on this port instead of server.port (0: any free port)',
      integerIn(0, 65535),
    )
    .addHelpText(
      'after',
      `
The port opens first and answers 503 "starting" until the plugins are up. SIGTERM or SIGINT drains in-flight
work, stops the plugins and exits 0. A start step that fails or takes longer than server.start_timeout_ms prints
the step, the cause and the fix, and exits 1.`,
    )
    .action(async (options: { config?: string; port?: number }) => {
      // Loaded here, not at the top: the other commands start fast without the host, stores and transports.
      const { runServer } = await import('../runtime/run-server.js')
      await runServer(options, io)
    })
