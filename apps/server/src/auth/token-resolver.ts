import type { SwitchyardConfig } from '@switchyard/host'
import { generateAdminToken, type StoredToken, type TokenConfig } from './token-auth.js'
import type { TokenFile } from './token-file.js'

/** The tokens in force: from the configuration, and from the token file (by digest). */
export interface TokensInForce {
  tokens: TokenConfig[]
  stored: StoredToken[]
}

/** What `tokenResolver` takes. */
export interface TokenResolverOptions {
  /** Told a generated admin token, the only time it is seen; `file` is where its digest is kept, if anywhere. */
  announce(token: string, file: string | undefined): void
  /** The token file (`auth.token_file`); without one a generated token lasts until the process exits. */
  file?: TokenFile | undefined
}

/**
 * Makes the function that turns config `auth` into the tokens in force: configured entries whose token is set
 * (an empty `${VAR}` leaves one out) and every token of the token file. When neither holds an admin token, one
 * is generated, announced once and kept: its digest goes into the token file, so a restart keeps it (without a
 * file, it is kept in memory for later config reloads).
 *
 * @example
 * ```ts
 * const tokensOf = tokenResolver({ announce: (token) => process.stderr.write(`admin token: ${token}\n`), file })
 * const { tokens, stored } = await tokensOf(config.auth)
 * ```
 */
export function tokenResolver(
  options: TokenResolverOptions,
): (auth: SwitchyardConfig['auth']) => Promise<TokensInForce> {
  let generated: TokenConfig | undefined
  return async (auth) => {
    const tokens = auth.tokens.flatMap((t) =>
      t.token ? [{ name: t.name, token: t.token, scopes: t.scopes }] : [],
    )
    const stored = (await options.file?.read()) ?? []
    const hasAdmin = [...tokens, ...stored].some((t) => t.scopes.includes('admin'))
    if (tokens.length > 0 || hasAdmin) return { tokens, stored }
    const { file } = options
    if (file !== undefined) {
      const token = await file.create('admin', ['admin'], { replace: true })
      options.announce(token, file.path)
      return { tokens, stored: await file.read() }
    }
    if (!generated) {
      generated = generateAdminToken()
      options.announce(generated.token, undefined)
    }
    return { tokens: [generated], stored }
  }
}
