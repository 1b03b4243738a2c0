import * as v from 'valibot'

const SCOPES = ['admin', 'publish', 'read'] as const

/**
 * Config of the jwt-auth plugin. Exactly one key source: `secret` (HS256, at least 32 characters), `public_key`
 * (an RS256 or ES256 public key in PEM) or `jwks_url` (keys fetched and cached, rotated by `kid`). `issuer` and
 * `audience` are checked when set, `exp` always; `scopes_claim` (a space-separated string or an array) gives the
 * scopes, through `scope_map` when set (claim value -> Switchyard scopes).
 *
 * @example
 * ```ts
 * v.parse(jwtAuthConfig, { jwks_url: 'https://id.example.com/.well-known/jwks.json', audience: 'switchyard' })
 * ```
 */
export const jwtAuthConfig = v.pipe(
  v.object({
    secret: v.optional(v.pipe(v.string(), v.minLength(32, 'a secret of at least 32 characters (256 bits)'))),
    public_key: v.optional(v.pipe(v.string(), v.includes('-----BEGIN PUBLIC KEY-----', 'a PEM public key'))),
    jwks_url: v.optional(v.pipe(v.string(), v.url('an absolute URL'))),
    algorithms: v.optional(v.array(v.picklist(['HS256', 'RS256', 'ES256']))),
    issuer: v.optional(v.string()),
    audience: v.optional(v.string()),
    name_claim: v.optional(v.string(), 'sub'),
    scopes_claim: v.optional(v.string(), 'scope'),
    scope_map: v.optional(v.record(v.string(), v.array(v.picklist(SCOPES)))),
    clock_tolerance_s: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 30),
    jwks_cache_ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1000)), 600_000),
    priority: v.optional(v.pipe(v.number(), v.integer()), 10),
  }),
  v.check(
    (config) =>
      [config.secret, config.public_key, config.jwks_url].filter((k) => k !== undefined).length === 1,
    'set exactly one of secret, public_key or jwks_url',
  ),
)

/** The parsed config (`ctx.config`). */
export type JwtAuthConfig = v.InferOutput<typeof jwtAuthConfig>
