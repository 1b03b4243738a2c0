import { ApiRequestError, UsageError } from '../errors.js'
import { createPluginCommand } from './create-plugin-command.js'
import { dlqCommand } from './dlq-command.js'
import { emitCommand } from './emit-command.js'
import { type CliIo, commandTable } from './parse-command.js'
import { pluginsCommand } from './plugins-command.js'
import { startCommand } from './start-command.js'

const commands = [startCommand, emitCommand, pluginsCommand, dlqCommand, createPluginCommand]

const usage = `Usage: switchyard <command> [options]

Commands:
${commandTable(commands)}

Run "switchyard <command> --help" for its options. Commands other than start and create-plugin talk to a
running server: --url (or $SWITCHYARD_URL) and the token in $SWITCHYARD_TOKEN.
`

/**
 * Runs the `switchyard` CLI and resolves to its exit code: 0 done, 1 the server or the work failed, 2 bad
 * arguments (the message says what was wrong).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: process.env })
 * ```
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage)
    return 0
  }
  const command = commands.find((c) => c.name === name)
  try {
    if (!command) {
      throw new UsageError(name === undefined ? 'missing command' : `unknown command "${name}"`)
    }
    return await command.run(rest, io)
  } catch (error) {
    if (error instanceof UsageError) {
      const help = command ? `switchyard ${command.name} --help` : 'switchyard --help'
      io.err(`switchyard: ${error.message}\nRun "${help}" for usage.\n`)
      return 2
    }
    if (error instanceof ApiRequestError) {
      io.err(`switchyard: ${error.code}: ${error.message}\n`)
      return 1
    }
    io.err(`switchyard: ${(error as Error).message}\n`)
    return 1
  }
}
