import { type CliCommand, optionText, parseCommand, parseInteger } from './parse-command.js'

const usage = `Usage: switchyard start [--config FILE] [--port N]

Start the server: load the configuration, start the plugins, serve the API. The port opens first and
answers 503 "starting" until the plugins are up. SIGTERM or SIGINT drains in-flight work, stops the
plugins and exits 0. A start step that fails or takes longer than server.start_timeout_ms prints the
step, the cause and the fix, and exits 1.

Options:
  --config FILE  the YAML configuration (default: config/switchyard.yaml when it exists, else built-in defaults)
  --port N       listen on this port instead of server.port (0: any free port)
  -h, --help     show this help
`

/**
 * `switchyard start`: runs the server until SIGTERM/SIGINT, then drains and exits 0 (a second signal exits 1
 * at once).
 *
 * @example
 * ```sh
 * switchyard start --config config/switchyard.yaml --port 9000
 * ```
 */
export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Start the server (until SIGTERM/SIGINT)',
  usage,
  async run(argv, io) {
    const parsed = parseCommand(
      argv,
      { config: { type: 'string' }, port: { type: 'string' } },
      { min: 0, max: 0 },
      usage,
      io,
    )
    if (!parsed) return 0
    const config = optionText(parsed, 'config')
    const port = optionText(parsed, 'port')
    // Loaded here, not at the top: the other commands start fast without the host, stores and transports.
    const { startServer } = await import('../runtime/start-server.js')
    const server = await startServer({
      ...(config === undefined ? {} : { configFile: config }),
      ...(port === undefined ? {} : { port: parseInteger(port, '--port', 0, 65535) }),
      announceToken: (token) =>
        io.err(
          `No auth token configured: generated admin token (shown once):\n  ${token}\nexport SWITCHYARD_TOKEN=${token}\n`,
        ),
    }).catch((error: unknown) => {
      // startServer logged and flushed it; a timer a plugin left running must not keep the process alive.
      io.err(`switchyard: ${(error as Error).message}\n`)
      process.exit(1)
    })
    io.out(`switchyard listening on ${server.url}\n`)
    const stop = (signal: NodeJS.Signals) => {
      process.once(signal, () => process.exit(1))
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          io.err(`switchyard: shutdown failed: ${(error as Error).message}\n`)
          process.exit(1)
        },
      )
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
    return 0
  },
}
