import { createRequire } from 'node:module'
import { Command, CommanderError } from 'commander'
import { UsageError } from '../errors.js'
import type { CliIo } from './cli-io.js'
import { commands } from './command-list.js'
import { printError } from './error-line.js'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

/**
 * The `switchyard` program: every command of `command-list.ts`, `--version`, help on every command. Errors are
 * thrown (`exitOverride`) and printed by `runCli`, not by commander.
 *
 * @example
 * ```ts
 * const program = createProgram(io)
 * await program.parseAsync(['plugins', 'list'], { from: 'user' })
 * ```
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('switchyard')
    .description('Switchyard: run the event server, and manage a running one')
    .version(version, '-V, --version', 'print the version')
    // Program options only before the command: `plugins upgrade x --version 1.2.0` is the upgrade's own.
    .enablePositionalOptions()
    .helpOption('-h, --help', 'show help')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      // runCli prints the error as one line with a fix.
      outputError: () => {},
    })
    .addHelpText(
      'after',
      '\nCommands that talk to a running server (those with --url) find it at --url, else $SWITCHYARD_URL, else\nserver.host and port of the config; the token is read from $SWITCHYARD_TOKEN.',
    )
  for (const register of commands) register(program, io)
  // `help [command]` would be a second way to say --help, listed in every group.
  const noHelpCommand = (command: Command): void => {
    command.helpCommand(false)
    command.commands.forEach(noHelpCommand)
  }
  noHelpCommand(program)
  return program
}

/**
 * Runs the `switchyard` CLI and resolves to its exit code: 0 done, 1 the server or the work failed, 2 bad
 * arguments. Every error is one line on stderr: its code, what was wrong and the fix.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: process.env })
 * ```
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = createProgram(io)
  if (argv.length === 0) {
    io.err(program.helpInformation())
    printError(io, new UsageError('missing command'), 'run "switchyard --help" to list the commands')
    return 2
  }
  try {
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (error) {
    return exitCodeOf(error, io, commandPath(program, argv))
  }
}

function exitCodeOf(error: unknown, io: CliIo, path: string): number {
  const help = `run "switchyard ${path ? `${path} ` : ''}--help" for usage`
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0
    // A group (`plugins`) run without a sub-command printed its help; say what was missing.
    const message =
      error.code === 'commander.help' ? 'missing sub-command' : error.message.replace(/^error: /, '')
    printError(io, new UsageError(message), help)
    return 2
  }
  if (error instanceof UsageError) {
    printError(io, error, help)
    return 2
  }
  printError(io, error)
  return 1
}

// The command words at the start of argv that name commands (`plugins list`), for the help hint of an error.
function commandPath(program: Command, argv: string[]): string {
  const words: string[] = []
  let command = program
  for (const word of argv) {
    const sub = command.commands.find((c) => c.name() === word)
    if (sub === undefined) break
    words.push(word)
    command = sub
  }
  return words.join(' ')
}
