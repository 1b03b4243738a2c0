import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as v from 'valibot'
import { describeIssues } from '../describe-issues.js'
import { DownloadError } from '../errors.js'
import { KEY_ID } from '../trust/key-id.js'
import { ED25519_SIGNATURE } from '../trust/signature-claim.js'
import { type FetchOptions, fetchJson } from './fetch-resource.js'
import { PACKAGE_NAME } from './package-name.js'

const EntrySchema = v.looseObject({
  name: v.pipe(v.string(), v.regex(PACKAGE_NAME, 'a package name')),
  version: v.pipe(v.string(), v.minLength(1, 'a non-empty string')),
  description: v.optional(v.string()),
  download_url: v.pipe(v.string(), v.minLength(1, 'a non-empty string')),
  checksum_sha256: v.optional(v.pipe(v.string(), v.regex(/^[a-fA-F0-9]{64}$/, '64 hex digits'))),
  /** The Switchyard range the plugin runs on, when the index states it. */
  host: v.optional(v.string()),
  /** Ed25519 signature (base64) of `<name>@<version>:<sha512 SRI of the archive>` and the signer's key id. */
  signature: v.optional(
    v.pipe(v.string(), v.regex(ED25519_SIGNATURE, 'a base64 Ed25519 signature (88 characters)')),
  ),
  key_id: v.optional(v.pipe(v.string(), v.regex(KEY_ID, 'a key id such as "acme:SHA256:…"'))),
})

const IndexSchema = v.union([v.array(EntrySchema), v.looseObject({ plugins: v.array(EntrySchema) })])

/** One entry of a static index, its `download_url` made absolute against the index's own URL. */
export type IndexEntry = v.InferOutput<typeof EntrySchema>

/**
 * The URL of an index given in the configuration: http(s) and file URLs as they are, paths resolved
 * against `cwd`.
 *
 * @example
 * ```ts
 * indexUrl('indexes/plugins.json', '/srv/app') // 'file:///srv/app/indexes/plugins.json'
 * ```
 */
export function indexUrl(location: string, cwd: string): string {
  if (/^(https?|file):/i.test(location)) return location
  return pathToFileURL(isAbsolute(location) ? location : resolve(cwd, location)).href
}

/**
 * Fetches a static JSON index — an array of entries or `{ plugins: [...] }`, each with `name`, `version`,
 * `download_url`, optional `description`, `checksum_sha256` and `host` — and validates it.
 *
 * @example
 * ```ts
 * const entries = await loadIndex('https://plugins.example.com/index.json', fetchOptions)
 * ```
 */
export async function loadIndex(url: string, fetchOptions: FetchOptions): Promise<IndexEntry[]> {
  const result = v.safeParse(IndexSchema, await fetchJson(url, { ...fetchOptions, token: null }))
  if (!result.success) throw new DownloadError(url, describeIssues(result.issues, 'index'))
  const entries = Array.isArray(result.output) ? result.output : result.output.plugins
  return entries.map((entry) => {
    const download = new URL(entry.download_url, url)
    // a remote index must not make the installer read files of this machine
    if (download.protocol === 'file:' && !url.startsWith('file:')) {
      throw new DownloadError(
        url,
        `index entry ${entry.name}: download_url must be http(s), got ${download.href}`,
      )
    }
    return { ...entry, download_url: download.href }
  })
}
