import type { ParseArgsConfig } from 'node:util'
import { ApiClient } from './api-client.js'
import { type CliCommand, type CliIo, type ParsedCommand, parseCommand } from './parse-command.js'

type Options = NonNullable<ParseArgsConfig['options']>

const CLIENT_OPTIONS = {
  url: { type: 'string' },
} as const satisfies Options

/** The option lines every command that talks to a server shares. */
const CLIENT_HELP = `  --url URL   the server (default: $SWITCHYARD_URL or http://127.0.0.1:8080)
  -h, --help  show this help
The token is read from $SWITCHYARD_TOKEN.`

/** What an API command does with its parsed arguments. */
export interface ApiCommandSpec {
  name: string
  summary: string
  /** `switchyard plugins enable NAME` etc.; the shared options are appended. */
  synopsis: string
  /** Help lines of the command's own options. */
  help?: string
  options?: Options
  positionals: { min: number; max: number; names?: string }
  /** Sends the request(s); the resolved value is printed as JSON unless `print` is given. */
  send(args: ParsedCommand, client: ApiClient): Promise<unknown>
  print?(result: unknown, io: CliIo): void
}

/**
 * Makes a CLI command that calls the API of a running server: parses its arguments strictly, builds the client
 * from `--url` and `$SWITCHYARD_TOKEN`, sends, prints.
 *
 * @example
 * ```ts
 * const enable = apiCommand({ name: 'enable', summary: 'Enable a plugin', synopsis: 'switchyard plugins enable NAME',
 *   positionals: { min: 1, max: 1, names: 'NAME' },
 *   send: ({ positionals }, client) => client.request('POST', `/api/v1/events/plugins/${positionals[0]}/enable`) })
 * ```
 */
export function apiCommand(spec: ApiCommandSpec): CliCommand {
  const usage = `Usage: ${spec.synopsis}\n\n${spec.summary}\n\nOptions:\n${spec.help ? `${spec.help}\n` : ''}${CLIENT_HELP}\n`
  return {
    name: spec.name,
    summary: spec.summary,
    usage,
    async run(argv, io) {
      const parsed = parseCommand(argv, { ...CLIENT_OPTIONS, ...spec.options }, spec.positionals, usage, io)
      if (!parsed) return 0
      const { values } = parsed
      const url = (values.url as string | undefined) ?? io.env.SWITCHYARD_URL ?? 'http://127.0.0.1:8080'
      const client = new ApiClient({ url, token: io.env.SWITCHYARD_TOKEN })
      const result = await spec.send({ values, positionals: parsed.positionals }, client)
      if (spec.print) spec.print(result, io)
      else io.out(`${JSON.stringify(result, null, 2)}\n`)
      return 0
    },
  }
}
