import { createPublicKey } from 'node:crypto'
import type { AuthPrincipal } from '@switchyard/plugin-sdk'
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose'
import type { JwtAuthConfig } from './config.js'

type Key = Parameters<typeof jwtVerify>[1]

/**
 * Verifies a JWT against the configured key source and checks and maps its claims. Rejects with an `Error`
 * whose message says what failed: `token expired`, `bad signature`, `algorithm "none" is not allowed`, `claim
 * "aud" check failed`…
 *
 * @example
 * ```ts
 * const verify = jwtVerifier({ secret: process.env.JWT_SECRET!, ...defaults })
 * const principal = await verify(token) // { name: 'alice', scopes: ['read'] }
 * ```
 */
export function jwtVerifier(config: JwtAuthConfig): (token: string) => Promise<AuthPrincipal> {
  const { key, algorithms } = keySource(config)
  return async (token) => {
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, key, {
        algorithms,
        requiredClaims: ['exp'],
        clockTolerance: config.clock_tolerance_s,
        ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
        ...(config.audience === undefined ? {} : { audience: config.audience }),
      }))
    } catch (error) {
      throw new Error(reasonOf(error), { cause: error })
    }
    const name = payload[config.name_claim]
    if (typeof name !== 'string' || name === '') throw new Error(`claim "${config.name_claim}" is missing`)
    return { name, scopes: scopesOf(payload[config.scopes_claim], config.scope_map) }
  }
}

function keySource(config: JwtAuthConfig): { key: Key; algorithms: string[] } {
  if (config.secret !== undefined) {
    return { key: new TextEncoder().encode(config.secret), algorithms: config.algorithms ?? ['HS256'] }
  }
  const asymmetric = config.algorithms ?? ['RS256', 'ES256']
  if (config.public_key !== undefined)
    return { key: createPublicKey(config.public_key), algorithms: asymmetric }
  // jose fetches the set once, keeps it `jwks_cache_ms`, and fetches again (at most every 30 s) for an unknown kid.
  const jwks = createRemoteJWKSet(new URL(config.jwks_url!), {
    cacheMaxAge: config.jwks_cache_ms,
    cooldownDuration: 30_000,
    timeoutDuration: 5000,
  })
  return { key: jwks, algorithms: asymmetric }
}

function scopesOf(claim: unknown, map: Record<string, string[]> | undefined): string[] {
  const values =
    typeof claim === 'string' ? claim.split(' ').filter(Boolean) : Array.isArray(claim) ? claim : []
  const strings = values.filter((value): value is string => typeof value === 'string')
  if (map === undefined) return strings
  return [...new Set(strings.flatMap((value) => map[value] ?? []))]
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired'
  if (error instanceof errors.JWTClaimValidationFailed)
    return `claim "${error.claim}" check failed (${error.reason})`
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature'
  if (error instanceof errors.JOSEAlgNotAllowed) return `${error.message}; allowed: the configured algorithms`
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the JWKS matches the token'
  if (error instanceof errors.JOSEError) return error.message
  return error instanceof Error ? error.message : String(error)
}
