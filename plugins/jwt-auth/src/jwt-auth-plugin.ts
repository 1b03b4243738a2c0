import { type AuthenticateValue, definePlugin } from '@switchyard/plugin-sdk'
import { jwtAuthConfig } from './config.js'
import { jwtVerifier } from './jwt-verifier.js'

// A compact JWS: three base64url parts. Anything else (a static token) is left to the next authenticator.
const BEARER_JWT = /^Bearer\s+([\w-]+\.[\w-]*\.[\w-]*)\s*$/i

/**
 * Authenticates requests that carry `Authorization: Bearer <JWT>` (Marty's JWT authentication example) through
 * the `auth.authenticate` extension point: verified tokens become a principal named by `name_claim` with the
 * scopes of `scopes_claim`; an invalid one is refused with the reason; other requests go on to the static tokens.
 *
 * @example
 * ```yaml
 * plugins:
 *   jwt-auth: { enabled: true, config: { jwks_url: https://id.example.com/jwks.json, audience: switchyard } }
 * ```
 */
export const jwtAuthPlugin = definePlugin({
  name: 'jwt-auth',
  version: '0.1.0',
  description: 'JWT bearer authentication (HS256/RS256/ES256, JWKS), claims mapped to scopes',
  category: 'security',
  tags: ['jwt', 'auth'],
  permissions: ['auth:authenticate'],
  config: jwtAuthConfig,
  setup(ctx) {
    const verify = jwtVerifier(ctx.config)
    ctx.extend<AuthenticateValue, AuthenticateValue | undefined>(
      'auth.authenticate',
      async (value) => {
        if (value.principal !== undefined) return undefined
        const token = BEARER_JWT.exec(value.request.headers.authorization ?? '')?.[1]
        if (token === undefined) return undefined
        return { ...value, principal: await verify(token) }
      },
      { priority: ctx.config.priority },
    )
  },
})
