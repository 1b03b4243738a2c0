import { dirname, resolve } from 'node:path'
import type { SwitchyardConfig } from '@switchyard/host'

/** The name of the generated key file of `ctx.secrets`, in the data folder. */
export const SECRET_KEY_FILE = 'secret.key'

/**
 * Where the key of plugin secrets is kept when `SWITCHYARD_SECRET_KEY` is unset: beside the SQLite file, or in
 * `<baseDir>/data` when the store is NATS (set the variable there instead: every node needs the same key).
 * Undefined for the memory store, whose secrets die with the process anyway.
 *
 * @example
 * ```ts
 * secretKeyFile(config, process.cwd()) // '/srv/app/data/secret.key'
 * ```
 */
export function secretKeyFile(
  config: Pick<SwitchyardConfig, 'storage' | 'transport'>,
  baseDir: string,
): string | undefined {
  if (config.transport.driver === 'nats') return resolve(baseDir, 'data', SECRET_KEY_FILE)
  if (config.storage.driver === 'memory') return undefined
  return resolve(dirname(resolve(baseDir, config.storage.path)), SECRET_KEY_FILE)
}
