import { timingSafeEqual } from 'node:crypto'
import { definePlugin } from '@switchyard/plugin-sdk'
import { SignJWT } from 'jose'
import * as v from 'valibot'

/**
 * Marty's `jwt-authentication` config keys (`jwt_secret`, `jwt_algorithm`, `token_expiry` in seconds), the
 * audience the tokens are for, and the accounts that may log in (an example: use an identity provider in
 * production).
 */
export const jwtLoginConfig = v.object({
  jwt_secret: v.pipe(
    v.string(),
    v.minLength(32, 'a secret of at least 32 characters'),
    v.description('HS256 key'),
  ),
  jwt_algorithm: v.optional(v.picklist(['HS256']), 'HS256'),
  token_expiry: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.description('Seconds')), 3600),
  audience: v.optional(v.string(), 'switchyard'),
  users: v.record(
    v.string(),
    v.object({
      password: v.pipe(v.string(), v.minLength(8)),
      scopes: v.array(v.picklist(['admin', 'publish', 'read'])),
    }),
  ),
})

const LoginBody = v.object({ username: v.string(), password: v.string() })

/**
 * Marty's JWT authentication example in Switchyard terms, in two halves: this plugin issues tokens at
 * `POST /plugins/jwt-login/token` (`{ username, password }` -> `{ access_token, token_type, expires_in }`), and
 * `@switchyard/plugin-jwt-auth`, configured with the same secret and audience, verifies them on every request
 * before the static tokens.
 *
 * @example
 * ```yaml
 * plugins:
 *   jwt-login: { config: { jwt_secret: ${JWT_SECRET}, users: { alice: { password: ${ALICE_PASSWORD}, scopes: [read] } } } }
 *   jwt-auth: { config: { secret: ${JWT_SECRET}, audience: switchyard } }
 * ```
 */
export const jwtLoginPlugin = definePlugin({
  name: 'jwt-login',
  version: '0.1.0',
  description: "Marty's JWT authentication example: a login route issuing tokens",
  category: 'security',
  tags: ['jwt', 'auth', 'marty'],
  permissions: ['http:routes'],
  config: jwtLoginConfig,
  setup(ctx) {
    const key = new TextEncoder().encode(ctx.config.jwt_secret)
    ctx.routes.post('/token', async (c) => {
      const body = v.safeParse(LoginBody, await c.req.json().catch(() => null))
      if (!body.success)
        return c.json({ error: { code: 'E_VALIDATION', message: 'expected { username, password }' } }, 400)
      const user = ctx.config.users[body.output.username]
      if (user === undefined || !samePassword(user.password, body.output.password)) {
        return c.json({ error: { code: 'E_UNAUTHORIZED', message: 'unknown user or wrong password' } }, 401)
      }
      const expiresIn = ctx.config.token_expiry
      const token = await new SignJWT({ scope: user.scopes.join(' ') })
        .setProtectedHeader({ alg: ctx.config.jwt_algorithm })
        .setSubject(body.output.username)
        .setAudience(ctx.config.audience)
        .setIssuedAt()
        .setExpirationTime(`${expiresIn}s`)
        .sign(key)
      return c.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn })
    })
  },
})

function samePassword(expected: string, given: string): boolean {
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}
