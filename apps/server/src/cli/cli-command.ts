import type { Command } from 'commander'
import type { CliIo } from './cli-io.js'

/**
 * One `switchyard` command: adds itself (and its sub-commands) to the program. Registering a command is one
 * line in `command-list.ts`; everything else about it lives in its own file.
 *
 * @example
 * ```ts
 * export const helloCommand: CliCommand = (program, io) =>
 *   program.command('hello').description('Say hello').action(() => io.out('hello\n'))
 * ```
 */
export type CliCommand = (program: Command, io: CliIo) => void
