import type { Command } from 'commander'
import { ApiClient } from './api-client.js'
import type { CliIo } from './cli-io.js'
import { serverUrl } from './server-url.js'

/** The options every command that talks to a running server takes. */
export interface ClientOptions {
  url?: string
  config?: string
  json?: boolean
}

/**
 * Adds `--url`, `--config` and `--json` to a command that talks to a running server (see `serverUrl` for how the
 * address is found; the token is `$SWITCHYARD_TOKEN`).
 *
 * @example
 * ```ts
 * clientOptions(program.command('emit <type>')).action(async (type, options) => { ... })
 * ```
 */
export function clientOptions(command: Command): Command {
  return command
    .option('--url <url>', 'the server (default: $SWITCHYARD_URL, else server.host and port of the config)')
    .option('--config <file>', 'the config whose server address to use (default: config/switchyard.yaml)')
    .option('--json', 'print the answer as JSON instead of text')
    .addHelpText('after', '\nThe token is read from $SWITCHYARD_TOKEN.')
}

/**
 * The API client of a client command: its server address and `$SWITCHYARD_TOKEN`.
 *
 * @example
 * ```ts
 * const client = await apiClient(options, io)
 * ```
 */
export async function apiClient(options: ClientOptions, io: CliIo): Promise<ApiClient> {
  return new ApiClient({ url: await serverUrl(options, io), token: io.env.SWITCHYARD_TOKEN })
}

/**
 * Prints a command's answer: JSON with `--json`, else the text `human` makes of it.
 *
 * @example
 * ```ts
 * printResult(io, options, answer, (a) => `${a.id}\n`)
 * ```
 */
export function printResult<T>(
  io: CliIo,
  options: ClientOptions,
  result: T,
  human: (result: T) => string,
): void {
  io.out(options.json ? `${JSON.stringify(result, null, 2)}\n` : human(result))
}
