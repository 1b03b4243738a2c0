import * as v from 'valibot'
import { describeIssues } from '../describe-issues.js'
import { InvalidInstallRequestError } from '../errors.js'
import { PACKAGE_NAME } from '../registry/package-name.js'

const ByName = v.strictObject({
  name: v.pipe(v.string(), v.regex(PACKAGE_NAME, 'a package name such as "audit-log" or "@scope/plugin-x"')),
  version: v.optional(
    v.pipe(v.string(), v.minLength(1, 'a non-empty string'), v.maxLength(256, 'at most 256 characters')),
  ),
})

const ByUrl = v.strictObject({
  download_url: v.pipe(v.string(), v.url('an absolute URL'), v.regex(/^https?:\/\//i, 'an http(s) URL')),
  checksum_sha256: v.optional(v.pipe(v.string(), v.regex(/^[a-fA-F0-9]{64}$/, '64 hex digits'))),
})

/**
 * The body of `POST /api/v1/plugins/install`: `{ name, version? }` (a semver range, from the registry or an
 * index) or `{ download_url, checksum_sha256? }` (a `.tgz` made by `npm pack`, or a `.zip`).
 *
 * @example
 * ```ts
 * const result = v.safeParse(InstallRequestSchema, await c.req.json())
 * ```
 */
export const InstallRequestSchema = v.union([ByName, ByUrl])

/**
 * The body of `POST /api/v1/plugins/upgrade`: `{ name, version? }`, the installed package's name and the range
 * (or dist-tag) to move to, `latest` by default.
 *
 * @example
 * ```ts
 * const result = v.safeParse(UpgradeRequestSchema, { name: '@switchyard/plugin-audit-log', version: '^0.2.0' })
 * ```
 */
export const UpgradeRequestSchema = ByName

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
  return result.output
}
