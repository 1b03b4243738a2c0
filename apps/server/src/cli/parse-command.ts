import { type ParseArgsConfig, parseArgs } from 'node:util'
import { UsageError } from '../errors.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** What a CLI command is told about the world: where to write and the environment. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  env: Readonly<Record<string, string | undefined>>
}

/** One `switchyard` command (or sub-command): its help text and what it does. Resolves to the exit code. */
export interface CliCommand {
  name: string
  summary: string
  usage: string
  run(argv: string[], io: CliIo): Promise<number>
}

/** Parsed options (by long name) and positionals of a command. */
export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

/**
 * The value of a string option, or undefined when it was not given.
 *
 * @example
 * ```ts
 * const dir = optionText(parsed, 'dir') ?? '.'
 * ```
 */
export function optionText(parsed: ParsedCommand, name: string): string | undefined {
  const value = parsed.values[name]
  return typeof value === 'string' ? value : undefined
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const

/**
 * Parses a command's arguments strictly with `node:util` `parseArgs`: unknown options, missing values and a
 * wrong number of positionals are `UsageError`s (exit 2). Resolves to null when `--help` was given, after
 * printing `usage`.
 *
 * @example
 * ```ts
 * const args = parseCommand(argv, { port: { type: 'string' } }, { min: 0, max: 0 }, usage, io)
 * if (!args) return 0
 * ```
 */
export function parseCommand(
  argv: string[],
  options: Options,
  positionals: { min: number; max: number; names?: string },
  usage: string,
  io: CliIo,
): ParsedCommand | null {
  let parsed: ParsedCommand
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, ...HELP },
      allowPositionals: true,
      strict: true,
    }) as ParsedCommand
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (parsed.values.help) {
    io.out(usage)
    return null
  }
  const count = parsed.positionals.length
  if (count < positionals.min)
    throw new UsageError(`missing argument: expected ${positionals.names ?? 'more arguments'}`)
  if (count > positionals.max) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max]}"`)
  }
  return parsed
}

/**
 * Parses `--port`-style integer options: a decimal integer within `min..max`, else a `UsageError`.
 *
 * @example
 * ```ts
 * parseInteger('8080', '--port', 0, 65535) // 8080
 * ```
 */
export function parseInteger(text: string, option: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${option} must be an integer from ${min} to ${max}, got "${text}"`)
  }
  return Number(text)
}

/**
 * The `Commands:` lines of a usage text: each name, padded, and its summary.
 *
 * @example
 * ```ts
 * commandTable([startCommand, emitCommand]) // '  start  Start the server ...\n  emit   Publish ...'
 * ```
 */
export function commandTable(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')
}

/**
 * A command made of sub-commands (`switchyard plugins enable ...`): runs the one named by the first argument,
 * prints the group's usage for `--help`; a missing or unknown sub-command is a `UsageError`.
 *
 * @example
 * ```ts
 * export const dlqCommand = commandGroup('dlq', 'List or replay dead letters', [list, replay])
 * ```
 */
export function commandGroup(name: string, summary: string, commands: readonly CliCommand[]): CliCommand {
  const usage = `Usage: switchyard ${name} <command> [options]\n\n${summary}\n\nCommands:\n${commandTable(commands)}\n\nRun "switchyard ${name} <command> --help" for its options.\n`
  return {
    name,
    summary,
    usage,
    run(argv, io) {
      const [sub, ...rest] = argv
      const names = commands.map((c) => c.name).join(', ')
      if (sub === undefined) throw new UsageError(`missing sub-command; expected one of: ${names}`)
      if (sub === '--help' || sub === '-h') {
        io.out(usage)
        return Promise.resolve(0)
      }
      const command = commands.find((c) => c.name === sub)
      if (!command) {
        throw new UsageError(`unknown sub-command "${sub}"; expected one of: ${names}`)
      }
      return command.run(rest, io)
    },
  }
}
