import semver from 'semver'
import * as v from 'valibot'
import { describeIssues } from '../describe-issues.js'
import { DownloadError, PackageNotFoundError } from '../errors.js'
import { type FetchOptions, fetchJson } from './fetch-resource.js'

const VersionSchema = v.looseObject({
  name: v.string(),
  version: v.string(),
  description: v.optional(v.string()),
  dist: v.looseObject({
    tarball: v.string(),
    integrity: v.optional(v.string()),
    signatures: v.optional(v.array(v.looseObject({ keyid: v.string(), sig: v.string() })), []),
  }),
})

const PackumentSchema = v.looseObject({
  name: v.string(),
  'dist-tags': v.optional(v.record(v.string(), v.string()), {}),
  versions: v.record(v.string(), VersionSchema),
  time: v.optional(v.record(v.string(), v.string()), {}),
})

const KeysSchema = v.looseObject({
  keys: v.array(
    v.looseObject({ keyid: v.string(), key: v.string(), expires: v.optional(v.nullable(v.string()), null) }),
  ),
})

const SearchSchema = v.looseObject({
  objects: v.array(
    v.looseObject({
      package: v.looseObject({ name: v.string(), keywords: v.optional(v.array(v.string()), []) }),
    }),
  ),
})

/** One published version as the packument lists it (its package.json plus `dist`). */
export type RegistryVersion = v.InferOutput<typeof VersionSchema>
/** A registry's document for one package: its versions and dist-tags. */
export type Packument = v.InferOutput<typeof PackumentSchema>
/** One signing key a registry publishes at `/-/npm/v1/keys`: base64 DER SPKI, and when it stopped being valid. */
export type RegistryKey = v.InferOutput<typeof KeysSchema>['keys'][number]
/** A resolved version and when it was published (the packument's `time`), when the registry says. */
export type ResolvedVersion = RegistryVersion & { publishedAt?: string }

/** The keyword every Switchyard plugin package carries. */
export const PLUGIN_KEYWORD = 'switchyard-plugin'

/**
 * A small npm registry client: keyword search, packuments and version resolution.
 *
 * @example
 * ```ts
 * const registry = new RegistryClient('https://registry.example.com/', { timeoutMs: 30_000, maxBytes: 50e6 })
 * const { version } = await registry.resolve('@switchyard/plugin-audit-log', '^0.1.0')
 * ```
 */
export class RegistryClient {
  readonly url: string
  #fetch: FetchOptions

  constructor(url: string, fetchOptions: FetchOptions) {
    this.url = url.endsWith('/') ? url : `${url}/`
    this.#fetch = fetchOptions
  }

  /**
   * Names of the packages carrying the `switchyard-plugin` keyword. Asks with npm's `keywords:` qualifier
   * and with plain text too (registries such as Verdaccio ignore the qualifier), then keeps only real hits.
   */
  async searchPlugins(): Promise<string[]> {
    const names = new Set<string>()
    for (const text of [`keywords:${PLUGIN_KEYWORD}`, 'switchyard']) {
      const url = `${this.url}-/v1/search?text=${encodeURIComponent(text)}&size=250`
      const result = v.safeParse(SearchSchema, await fetchJson(url, this.#fetch))
      if (!result.success) throw new DownloadError(url, describeIssues(result.issues, 'search answer'))
      for (const { package: pkg } of result.output.objects) {
        if (pkg.keywords.includes(PLUGIN_KEYWORD)) names.add(pkg.name)
      }
    }
    return [...names].sort()
  }

  /** The packument of a package; a 404 is `PackageNotFoundError` (`E_NOT_FOUND`). */
  async packument(name: string): Promise<Packument> {
    const url = `${this.url}${name.replace('/', '%2f')}`
    let body: unknown
    try {
      body = await fetchJson(url, this.#fetch)
    } catch (error) {
      if (error instanceof DownloadError && error.status === 404)
        throw new PackageNotFoundError(`package ${name}`)
      throw error
    }
    const result = v.safeParse(PackumentSchema, body)
    if (!result.success) throw new DownloadError(url, describeIssues(result.issues, 'packument'))
    return result.output
  }

  /**
   * The version a range or dist-tag selects (the `latest` tag when none is given, the highest match otherwise).
   */
  async resolve(name: string, range?: string): Promise<ResolvedVersion> {
    const packument = await this.packument(name)
    const version = pickVersion(packument, range)
    const manifest = version === undefined ? undefined : packument.versions[version]
    if (manifest === undefined) throw new PackageNotFoundError(`${name}@${range ?? 'latest'}`)
    const publishedAt = packument.time[manifest.version]
    return publishedAt === undefined ? manifest : { ...manifest, publishedAt }
  }

  /**
   * The registry's signing keys (`/-/npm/v1/keys`, as `npm audit signatures` reads them); null when the registry
   * publishes none (404).
   */
  async keys(): Promise<RegistryKey[] | null> {
    const url = `${this.url}-/npm/v1/keys`
    let body: unknown
    try {
      body = await fetchJson(url, this.#fetch)
    } catch (error) {
      if (error instanceof DownloadError && error.status === 404) return null
      throw error
    }
    const result = v.safeParse(KeysSchema, body)
    if (!result.success) throw new DownloadError(url, describeIssues(result.issues, 'keys answer'))
    return result.output.keys
  }
}

function pickVersion(packument: Packument, range: string | undefined): string | undefined {
  const tagged = packument['dist-tags'][range ?? 'latest']
  if (tagged !== undefined) return tagged
  if (range === undefined || semver.validRange(range) === null) return undefined
  return semver.maxSatisfying(Object.keys(packument.versions), range) ?? undefined
}
