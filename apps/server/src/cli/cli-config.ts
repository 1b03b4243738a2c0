import { existsSync } from 'node:fs'
import type { SwitchyardConfig } from '@switchyard/host'
import { DEFAULT_CONFIG_FILE } from '../start/default-config-file.js'
import type { CliIo } from './cli-io.js'

/**
 * The configuration a CLI command works with, read as `switchyard start` reads it (`${VAR}` from the
 * environment): `file`, else `config/switchyard.yaml` when it exists, else the built-in defaults.
 *
 * @example
 * ```ts
 * const config = await cliConfig(options.config, io)
 * ```
 */
export async function cliConfig(file: string | undefined, io: CliIo): Promise<SwitchyardConfig> {
  const path = file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined)
  // Loaded only here: commands that need no configuration start without the host package.
  const { loadConfig, validateConfig } = await import('@switchyard/host')
  return (path === undefined ? validateConfig({}) : await loadConfig(path, { env: io.env })).config
}
