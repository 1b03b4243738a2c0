import type { SwitchyardConfig } from '@switchyard/host'
import { generateAdminToken, type TokenConfig } from './token-auth.js'

/**
 * Makes the function that turns config `auth` into the tokens in force: entries whose token is unset (an empty
 * `${VAR}`) are left out; when none is left, an admin token is generated the first time, handed to `announce`
 * (the only time it is shown), and kept for later config reloads.
 *
 * @example
 * ```ts
 * const tokensOf = tokenResolver((token) => process.stderr.write(`admin token: ${token}\n`))
 * const tokens = tokensOf(config.auth)
 * ```
 */
export function tokenResolver(
  announce: (token: string) => void,
): (auth: SwitchyardConfig['auth']) => TokenConfig[] {
  let generated: TokenConfig | undefined
  return (auth) => {
    const tokens = auth.tokens.flatMap((t) =>
      t.token ? [{ name: t.name, token: t.token, scopes: t.scopes }] : [],
    )
    if (tokens.length > 0) return tokens
    if (!generated) {
      generated = generateAdminToken()
      announce(generated.token)
    }
    return [generated]
  }
}
