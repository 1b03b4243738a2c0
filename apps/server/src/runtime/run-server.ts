import type { CliIo } from '../cli/cli-io.js'
import type { LogFormat } from './log-stream.js'
import { type RunningServer, startServer } from './start-server.js'

/**
 * Starts the server for `switchyard start` (and `dev`) and keeps it until SIGTERM/SIGINT: then it drains and
 * exits 0; a second signal exits 1 at once. A failed start exits 1 after its error was logged.
 *
 * @example
 * ```ts
 * await runServer({ config: 'config/switchyard.yaml', port: 0 }, io)
 * ```
 */
export async function runServer(
  options: { config?: string | undefined; port?: number | undefined; log?: LogFormat | undefined },
  io: CliIo,
): Promise<RunningServer> {
  const server = await startServer({
    ...(options.config === undefined ? {} : { configFile: options.config }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.log === undefined ? {} : { logFormat: options.log }),
    announceToken: (token, file) =>
      io.err(
        `No admin token configured: generated one (shown once${file ? `; kept hashed in ${file}, so a restart keeps it` : ''}):\n  ${token}\nexport SWITCHYARD_TOKEN=${token}\n`,
      ),
  }).catch((error: unknown) => {
    // startServer logged and flushed it; a timer a plugin left running must not keep the process alive.
    io.err(`switchyard: ${(error as Error).message}\n`)
    process.exit(1)
  })
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
  return server
}
