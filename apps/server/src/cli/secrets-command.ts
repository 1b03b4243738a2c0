import { randomBytes } from 'node:crypto'
import { readFile, rename, writeFile } from 'node:fs/promises'
import { noopLogger } from '@switchyard/core'
import type { SecretKey } from '@switchyard/host'
import { UsageError } from '../errors.js'
import { openBackends } from '../runtime/open-backends.js'
import { secretKeyFile } from '../start/secret-key-file.js'
import type { CliCommand } from './cli-command.js'
import { cliConfig } from './cli-config.js'
import type { CliIo } from './cli-io.js'

/** The variable holding the key `rotate-key` moves the secrets to, when the current key is a variable too. */
export const NEW_SECRET_KEY_VARIABLE = 'SWITCHYARD_NEW_SECRET_KEY'

/**
 * `switchyard secrets rotate-key`: re-encrypts every plugin secret of the configured store under a new key. Run
 * it with every server of that store stopped (it opens the store itself). The current key is
 * `SWITCHYARD_SECRET_KEY`, else the key file beside the SQLite file; the new one is `SWITCHYARD_NEW_SECRET_KEY`,
 * else generated: written to `<key file>.next` first and moved over the key file once every secret moved, or, with
 * a key from the variable, printed once for you to set. Interrupted, it finishes when run again.
 *
 * @example
 * ```sh
 * switchyard secrets rotate-key --config config/switchyard.yaml
 * ```
 */
export const secretsCommand: CliCommand = (program, io) => {
  program
    .command('secrets')
    .description('Manage the key of the plugin secrets kept in the store')
    .command('rotate-key')
    .description('Re-encrypt every plugin secret under a new key (stop the servers of this store first)')
    .option('--config <file>', 'the configuration whose store to use (default: config/switchyard.yaml)')
    .action(async (options: { config?: string }) => rotateKey(options.config, io))
}

async function rotateKey(configFile: string | undefined, io: CliIo): Promise<void> {
  const host = await import('@switchyard/host')
  const config = await cliConfig(configFile, io)
  const keyFile = secretKeyFile(config, process.cwd())
  const fromVariable = io.env[host.SECRET_KEY_VARIABLE]
  if (keyFile === undefined && !fromVariable)
    throw new UsageError(
      'this configuration keeps no secrets across runs (memory storage): nothing to rotate',
    )
  const current = fromVariable
    ? host.parseSecretKey(fromVariable, host.SECRET_KEY_VARIABLE)
    : host.parseSecretKey(await readKey(keyFile as string), `secret key file ${keyFile}`)
  const next = await nextKey(io, fromVariable ? undefined : keyFile)
  const { store, transport } = await openBackends(config, { baseDir: process.cwd(), logger: noopLogger })
  try {
    const { rotated } = await host.rotateSecretKey(store, current, next)
    io.err(`re-encrypted ${rotated} secrets from key ${current.id} to key ${next.id}\n`)
  } finally {
    await transport.close()
    await store.close()
  }
  if (!fromVariable && keyFile !== undefined) {
    await rename(`${keyFile}.next`, keyFile)
    io.err(`${keyFile} now holds the new key: back it up\n`)
  } else if (!io.env[NEW_SECRET_KEY_VARIABLE]) {
    io.err(`set ${host.SECRET_KEY_VARIABLE} to the new key (shown once) before starting the servers:\n`)
    io.out(`${next.bytes.toString('base64')}\n`)
  }
}

/** The key to move to: the variable, or a key kept in `<keyFile>.next` (made once, reused by a second run). */
async function nextKey(io: CliIo, keyFile: string | undefined): Promise<SecretKey> {
  const host = await import('@switchyard/host')
  const given = io.env[NEW_SECRET_KEY_VARIABLE]
  if (given) return host.parseSecretKey(given, NEW_SECRET_KEY_VARIABLE)
  if (keyFile === undefined) return host.toSecretKey(randomBytes(32))
  const pending = `${keyFile}.next`
  await writeFile(pending, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    },
  )
  return host.parseSecretKey(await readKey(pending), `secret key file ${pending}`)
}

async function readKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(
      `cannot read the secret key file ${path} (${(error as NodeJS.ErrnoException).code}): nothing to rotate, or set SWITCHYARD_SECRET_KEY`,
    )
  }
}
