import { unwatchFile, watchFile } from 'node:fs'
import type { Logger } from '@switchyard/core'
import type { SwitchyardConfig } from '@switchyard/host'
import { AccessControl } from './access-control.js'
import { TokenFile } from './token-file.js'
import { tokenFilePath } from './token-file-path.js'
import { tokenResolver } from './token-resolver.js'

/** The server's auth: who may call what, kept in step with the configuration and the token file. */
export interface ServerAuth {
  readonly access: AccessControl
  /** Where the token file is, when there is one. */
  readonly tokenFile: string | undefined
  /** Applies the `auth` of a reloaded configuration. */
  apply(config: SwitchyardConfig): Promise<void>
  /** Stops watching the token file. */
  close(): void
}

/** How often the token file is checked for changes (`switchyard token create` while the server runs). */
const WATCH_INTERVAL_MS = 500

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.')

/**
 * The paths reachable without a token: `auth.public_paths`, and `/metrics` when the server listens on loopback
 * only (then only processes of this machine can reach it, such as a local Prometheus).
 *
 * @example
 * ```ts
 * publicPaths(config) // ['/healthz', '/readyz', '/docs', '/openapi.json', '/metrics']
 * ```
 */
export function publicPaths(config: Pick<SwitchyardConfig, 'auth' | 'server'>): string[] {
  const paths = [...config.auth.public_paths]
  if (isLoopback(config.server.host)) paths.push('/metrics')
  return paths
}

/**
 * Sets up the server's auth from `config`: configured tokens, the token file's tokens (re-read when the file
 * changes, so a token made while the server runs works within a second), the generated admin token when there
 * is no admin token at all (announced once, its digest kept in the token file).
 *
 * @example
 * ```ts
 * const auth = await serverAuth(config, { cwd: process.cwd(), logger, announce: (token) => print(token) })
 * app.use(auth.access.guard('read'))
 * ```
 */
export async function serverAuth(
  config: SwitchyardConfig,
  options: { cwd: string; logger: Logger; announce(token: string, file: string | undefined): void },
): Promise<ServerAuth> {
  const path = tokenFilePath(config, options.cwd)
  const tokensOf = tokenResolver({ announce: options.announce, file: path ? new TokenFile(path) : undefined })
  let current = config
  const first = await tokensOf(config.auth)
  const access = new AccessControl(first.tokens, publicPaths(config), first.stored)
  const apply = async (next: SwitchyardConfig) => {
    const { tokens, stored } = await tokensOf(next.auth)
    current = next
    access.update(tokens, publicPaths(next), stored)
  }
  if (path !== undefined) {
    watchFile(path, { interval: WATCH_INTERVAL_MS, persistent: false }, (now, before) => {
      // Node reports a file that is missing from the start as a change from nothing to nothing.
      if (now.mtimeMs === before.mtimeMs && now.size === before.size) return
      apply(current).then(
        () => options.logger.info({ file: path }, 'token file changed: tokens reloaded'),
        (error: unknown) =>
          options.logger.error({ err: error, file: path }, 'token file unusable: tokens kept'),
      )
    })
  }
  return {
    access,
    tokenFile: path,
    apply,
    close: () => {
      if (path !== undefined) unwatchFile(path)
    },
  }
}
