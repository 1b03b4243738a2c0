import { dirname, join, resolve } from 'node:path'
import type { SwitchyardConfig } from '@switchyard/host'

/**
 * Where the token file of a configuration is: `auth.token_file`, else `tokens.json` next to the SQLite database
 * (the data folder, `data/tokens.json` by default); undefined with the memory store and no `auth.token_file`
 * (tokens are then not kept across restarts). Relative paths are taken from `cwd`, as the server does.
 *
 * @example
 * ```ts
 * tokenFilePath(config, process.cwd()) // '/srv/app/data/tokens.json'
 * ```
 */
export function tokenFilePath(
  config: Pick<SwitchyardConfig, 'auth' | 'storage'>,
  cwd: string,
): string | undefined {
  if (config.auth.token_file !== undefined) return resolve(cwd, config.auth.token_file)
  const { storage } = config
  if (storage.driver === 'sqlite') return join(dirname(resolve(cwd, storage.path)), 'tokens.json')
  return undefined
}
