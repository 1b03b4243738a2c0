import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { UsageError } from '../errors.js'
import type { CliIo } from './cli-io.js'

/**
 * Adds `sign ARCHIVE --key FILE` to the `plugins` command: an Ed25519 signature of a plugin archive (`.tgz` of
 * `npm pack`, or `.zip`) over `<name>@<version>:<sha512 integrity>`, printed as JSON `{ key_id, signature }` for an
 * index entry or a direct-URL install. Works on files alone: no server, no token.
 *
 * @example
 * ```ts
 * signCommand(program.command('plugins'), io)
 * ```
 */
export function signCommand(plugins: Command, io: CliIo): void {
  plugins
    .command('sign <archive>')
    .description(
      'Sign a plugin archive with an Ed25519 key from "switchyard keys generate" (no server needed)',
    )
    .requiredOption('--key <file>', 'the private key file (NAME.key)')
    .action(async (archive: string, options: { key: string }) => {
      const bytes = await readFile(archive).catch((cause: Error) => {
        throw new UsageError(`cannot read ${archive}: ${cause.message}`)
      })
      // Loaded on use: the other commands start without the marketplace's archive and registry code.
      const { readSigningKey, signArchive } = await import('@switchyard/marketplace')
      io.out(`${JSON.stringify(await signArchive(bytes, await readSigningKey(options.key)), null, 2)}\n`)
    })
}
