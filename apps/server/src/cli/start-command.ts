import type { CliCommand } from './cli-command.js'
import { type ServerOptions, serverOptions } from './server-options.js'

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
  serverOptions(program.command('start').description('Start the server (until SIGTERM/SIGINT)'))
    .addHelpText(
      'after',
      `
The port opens first and answers 503 "starting" until the plugins are up. SIGTERM or SIGINT drains in-flight
work, stops the plugins and exits 0. A start step that fails or takes longer than server.start_timeout_ms prints
the step, the cause and the fix, and exits 1.`,
    )
    .action(async (options: ServerOptions) => {
      // Loaded here, not at the top: the other commands start fast without the host, stores and transports.
      const { runServer } = await import('../runtime/run-server.js')
      await runServer(options, io)
    })
