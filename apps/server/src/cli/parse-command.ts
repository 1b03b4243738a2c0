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
 * Runs the sub-command named by the first argument (`plugins enable ...`), or prints the group's usage for
 * `--help`; a missing or unknown sub-command is a `UsageError`.
 *
 * @example
 * ```ts
 * return runSubcommand(argv, [listCommand, enableCommand], usage, io)
 * ```
 */
export async function runSubcommand(
  argv: string[],
  commands: readonly CliCommand[],
  usage: string,
  io: CliIo,
): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) throw new UsageError(`missing sub-command\n\n${usage}`)
  if (name === '--help' || name === '-h') {
    io.out(usage)
    return 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    throw new UsageError(
      `unknown sub-command "${name}"; expected one of: ${commands.map((c) => c.name).join(', ')}`,
    )
  }
  return command.run(rest, io)
}

/**
 * The usage text of a command group: a header, then one line per command with its summary.
 *
 * @example
 * ```ts
 * groupUsage('switchyard plugins <command>', [listCommand])
 * ```
 */
export function groupUsage(header: string, commands: readonly CliCommand[], footer = ''): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
  return `Usage: ${header}\n\nCommands:\n${lines.join('\n')}\n${footer ? `\n${footer}\n` : ''}`
}
