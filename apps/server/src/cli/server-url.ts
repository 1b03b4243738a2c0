import { existsSync } from 'node:fs'
import { DEFAULT_CONFIG_FILE } from '../start/default-config-file.js'
import { cliConfig } from './cli-config.js'
import type { CliIo } from './cli-io.js'

/** Where a client command was told to look for the server. */
export interface ServerUrlOptions {
  url?: string | undefined
  config?: string | undefined
}

/** Hosts a server listens on for every interface: a client reaches those on loopback. */
const ANY_HOST = new Set(['0.0.0.0', '::', '[::]'])

/**
 * The address of the server a client command talks to: `--url`, else `$SWITCHYARD_URL`, else the
 * configuration's `server.host` and `server.port` (`--config`, or `config/switchyard.yaml` when it exists; its
 * `${PORT:-8080}` sees the same `$PORT` the server did), else `http://127.0.0.1:$PORT` (8080 without `$PORT`).
 *
 * @example
 * ```ts
 * await serverUrl({}, { env: { PORT: '18080' }, out, err }) // 'http://127.0.0.1:18080' (no config file here)
 * ```
 */
export async function serverUrl(options: ServerUrlOptions, io: CliIo): Promise<string> {
  const given = options.url ?? io.env.SWITCHYARD_URL
  if (given) return given
  if (options.config === undefined && !existsSync(DEFAULT_CONFIG_FILE))
    return `http://127.0.0.1:${io.env.PORT || 8080}`
  const { server } = await cliConfig(options.config, io)
  const host = ANY_HOST.has(server.host) ? '127.0.0.1' : server.host
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${server.port}`
}
