import * as v from 'valibot'
import { describeIssues } from './describe-issues.js'
import { MarketplaceConfigError } from './errors.js'
import { isSourceEntry, SOURCE_KINDS } from './trust/allowed-source.js'
import { KEY_ID, keyIdMatches } from './trust/key-id.js'
import { parsePublicKey } from './trust/public-key.js'

const MiB = 1024 * 1024
const positiveInt = (fallback: number) =>
  v.optional(v.pipe(v.number(), v.integer('an integer'), v.minValue(1, 'at least 1')), fallback)

const LimitsSchema = v.strictObject({
  /** Largest archive or JSON document downloaded. */
  max_download_bytes: positiveInt(50 * MiB),
  /** Sum of the sizes of the files in one archive once unpacked. */
  max_unpacked_bytes: positiveInt(200 * MiB),
  /** Entries (files, folders, links) in one archive. */
  max_files: positiveInt(10_000),
  /** Each HTTP request. */
  timeout_ms: positiveInt(30_000),
  /** `npm install` of a plugin's dependencies. */
  install_timeout_ms: positiveInt(300_000),
})

/** A key whose signatures are trusted: its id (`name:SHA256:…`, or a registry's `SHA256:…`) and PEM SPKI key. */
const TrustedKeySchema = v.pipe(
  v.strictObject({
    key_id: v.pipe(v.string(), v.regex(KEY_ID, 'a key id such as "acme:SHA256:<43 base64 characters>"')),
    public_key: v.pipe(
      v.string(),
      v.check(
        (pem) => parsePublicKey(pem) !== undefined,
        'an Ed25519 or ECDSA P-256 public key in PEM (SPKI)',
      ),
    ),
  }),
  v.forward(
    v.check((entry) => {
      const parsed = parsePublicKey(entry.public_key)
      return parsed === undefined || keyIdMatches(entry.key_id, parsed.key)
    }, 'a key id whose fingerprint is that of public_key (switchyard keys generate prints both)'),
    ['key_id'],
  ),
)

/**
 * The `marketplace:` section of the configuration file. `allowed_sources` lists `registry`, `index`, `url`
 * (any configured registry, any configured index, any direct URL) or URLs: a registry or index URL, or a prefix
 * (same origin, path under it) that direct URLs must start with. `token` is the registry's bearer token (else the
 * npmrc `//host/:_authToken` is used). `trusted_keys` and `require_signature` decide which signatures count.
 *
 * @example
 * ```ts
 * const config = v.parse(MarketplaceConfigSchema, { enabled: true, registry: 'https://registry.example.com/' })
 * ```
 */
export const MarketplaceConfigSchema = v.strictObject({
  enabled: v.optional(v.boolean(), false),
  registry: v.optional(v.nullable(v.pipe(v.string(), v.url('an absolute URL'))), null),
  token: v.optional(v.nullable(v.string()), null),
  indexes: v.optional(v.array(v.pipe(v.string(), v.minLength(1, 'a non-empty string'))), []),
  install_dir: v.optional(v.pipe(v.string(), v.minLength(1, 'a non-empty string')), '.switchyard/plugins'),
  allowed_sources: v.optional(
    v.array(
      v.pipe(v.string(), v.check(isSourceEntry, 'registry, index, url or an absolute http(s) or file URL')),
    ),
    [...SOURCE_KINDS],
  ),
  trusted_keys: v.optional(v.array(TrustedKeySchema), []),
  /** On: unsigned packages and signatures by keys not in `trusted_keys` are refused (`E_SIGNATURE`). */
  require_signature: v.optional(v.boolean(), false),
  limits: v.optional(LimitsSchema, {}),
  // Read by the host: where the plugins installed here run (none | worker | process).
  isolation: v.optional(v.picklist(['none', 'worker', 'process'])),
})

/** The marketplace section as written (every key optional). */
export type MarketplaceConfigInput = v.InferInput<typeof MarketplaceConfigSchema>
/** The marketplace section with defaults applied. */
export type MarketplaceConfig = v.InferOutput<typeof MarketplaceConfigSchema>
/** The `limits` of the marketplace section with defaults applied. */
export type MarketplaceLimits = MarketplaceConfig['limits']

/**
 * Validates the marketplace section, throwing `MarketplaceConfigError` (`E_CONFIG`) with path-named messages.
 *
 * @example
 * ```ts
 * const config = parseMarketplaceConfig({ enabled: true, indexes: ['https://example.com/plugins.json'] })
 * ```
 */
export function parseMarketplaceConfig(input: unknown): MarketplaceConfig {
  const result = v.safeParse(MarketplaceConfigSchema, input ?? {})
  if (!result.success) {
    const issues = result.issues.map((issue) => ({
      path: (issue.path ?? []).map((item) => item.key as PropertyKey),
      message: describeIssues([issue], 'marketplace').replace(/^[^:]*: /, ''),
    }))
    throw new MarketplaceConfigError(describeIssues(result.issues, 'marketplace'), issues)
  }
  return result.output
}
