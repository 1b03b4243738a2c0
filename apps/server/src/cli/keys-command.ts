import { mkdir } from 'node:fs/promises'
import type { CliCommand } from './cli-command.js'

/**
 * `switchyard keys generate --name NAME [--dir DIR]`: an Ed25519 key pair for signing plugin archives (see
 * `switchyard plugins sign`), printed as JSON: the key id, the files and the public key for `trusted_keys`.
 * Works on files alone: no server, no token.
 *
 * @example
 * ```sh
 * switchyard keys generate --name acme --dir keys
 * ```
 */
export const keysCommand: CliCommand = (program, io) => {
  program
    .command('keys')
    .description('Make signing keys for plugin archives')
    .command('generate')
    .description(
      'Make an Ed25519 key pair: DIR/NAME.key (private, mode 0600) and DIR/NAME.pub; prints the key id ' +
        '("NAME:SHA256:<fingerprint>") and public key for marketplace.trusted_keys',
    )
    .requiredOption('--name <name>', 'the key name: 1-64 of a-z, 0-9, ".", "_", "-"')
    .option('--dir <dir>', 'where to write the two files', '.')
    .action(async (options: { name: string; dir: string }) => {
      await mkdir(options.dir, { recursive: true })
      // Loaded on use: the other commands start without the marketplace's archive and registry code.
      const { writeSigningKey } = await import('@switchyard/marketplace')
      io.out(`${JSON.stringify(await writeSigningKey(options.dir, options.name), null, 2)}\n`)
    })
}
