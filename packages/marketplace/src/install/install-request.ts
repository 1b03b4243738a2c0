import * as v from 'valibot'
import { describeIssues } from '../describe-issues.js'
import { InvalidInstallRequestError } from '../errors.js'
import { PACKAGE_NAME } from '../registry/package-name.js'
import { KEY_ID } from '../trust/key-id.js'
import { ED25519_SIGNATURE } from '../trust/signature-claim.js'

const ByName = v.strictObject({
  name: v.pipe(v.string(), v.regex(PACKAGE_NAME, 'a package name such as "audit-log" or "@scope/plugin-x"')),
  version: v.optional(
    v.pipe(v.string(), v.minLength(1, 'a non-empty string'), v.maxLength(256, 'at most 256 characters')),
  ),
})

const ByUrl = v.pipe(
  v.strictObject({
    download_url: v.pipe(v.string(), v.url('an absolute URL'), v.regex(/^https?:\/\//i, 'an http(s) URL')),
    checksum_sha256: v.optional(v.pipe(v.string(), v.regex(/^[a-fA-F0-9]{64}$/, '64 hex digits'))),
    signature: v.optional(
      v.pipe(v.string(), v.regex(ED25519_SIGNATURE, 'a base64 Ed25519 signature (88 characters)')),
    ),
    key_id: v.optional(v.pipe(v.string(), v.regex(KEY_ID, 'a key id such as "acme:SHA256:…"'))),
  }),
  v.forward(
    v.check(
      (body) => (body.signature === undefined) === (body.key_id === undefined),
      'signature and key_id together',
    ),
    ['key_id'],
  ),
)

/**
 * The body of `POST /api/v1/plugins/install`: `{ name, version? }` (a semver range, from the registry or an
 * index) or `{ download_url, checksum_sha256?, signature?, key_id? }` (a `.tgz` made by `npm pack`, or a `.zip`,
 * and its Ed25519 signature from `switchyard plugins sign`).
 *
 * @example
 * ```ts
 * const result = v.safeParse(InstallRequestSchema, await c.req.json())
 * ```
 */
export const InstallRequestSchema = v.union([ByName, ByUrl])

/**
 * The body of `POST /api/v1/plugins/upgrade`: `{ name, version?, force? }`, the installed package's name, the
 * range (or dist-tag) to move to (`latest` by default), and `force` to accept a version signed by another key.
 *
 * @example
 * ```ts
 * const result = v.safeParse(UpgradeRequestSchema, { name: '@switchyard/plugin-audit-log', version: '^0.2.0' })
 * ```
 */
export const UpgradeRequestSchema = v.strictObject({
  ...ByName.entries,
  /** Accept a version signed by another key than the installed one's. */
  force: v.optional(v.boolean()),
})

/** A validated install request. */
export type InstallRequest = v.InferOutput<typeof InstallRequestSchema>

/**
 * Validates an install request body, throwing `InvalidInstallRequestError` (`E_VALIDATION`) with path-named
 * messages when it matches neither shape.
 *
 * @example
 * ```ts
 * const request = parseInstallRequest({ name: 'audit-log', version: '^1.0.0' })
 * ```
 */
export function parseInstallRequest(input: unknown): InstallRequest {
  const shape = typeof input === 'object' && input !== null && 'download_url' in input ? ByUrl : ByName
  const result = v.safeParse(shape, input)
  if (!result.success) throw new InvalidInstallRequestError(describeIssues(result.issues, 'body'))
  return result.output as InstallRequest
}
