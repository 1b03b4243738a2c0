import { SwitchyardError } from '@switchyard/core'
import semver from 'semver'
import { SourceNotAllowedError } from '../errors.js'
import { type Compatibility, compatibilityOf, hostRangeOf } from '../install/compatibility.js'
import type { MarketplaceContext } from '../marketplace-context.js'
import { type ListingFields, listingFieldsOf } from './listing-fields.js'
import { type IndexEntry, indexUrl, loadIndex } from './plugin-index.js'
import type { RegistryClient } from './registry-client.js'

/** One plugin offered by the registry or an index, with its `category`, `tags`, `author` and `license`. */
export interface CatalogEntry extends ListingFields {
  name: string
  /** The newest version (the registry's `latest` tag, or the highest in the index). */
  version: string
  /** Every version offered by this source, newest first. */
  versions: string[]
  description: string | null
  source: 'registry' | 'index'
  /** The registry or index URL. */
  location: string
  /** Index entries only: where the archive is and its sha256. */
  downloadUrl: string | null
  checksumSha256: string | null
  /** The Switchyard range the newest version declares, null when it declares none. */
  hostRange: string | null
  compatibility: Compatibility
  /** The installed version, null when not installed. */
  installedVersion: string | null
  /** Key id of the installed version's verified signature, `unsigned`, or null when not installed. */
  installedSigner: string | null
  /** Index entries only: the key id the newest version's signature names, null when it carries none. */
  keyId: string | null
}

/** What the catalog shows of an installed plugin. */
export interface InstalledSummary {
  version: string
  signer: string
}

/** A source that could not be read; the catalog still lists the others. */
export interface CatalogProblem {
  location: string
  code: string
  message: string
}

/** The merged catalog: entries sorted by name then source, and the sources that failed. */
export interface Catalog {
  plugins: CatalogEntry[]
  problems: CatalogProblem[]
}

/**
 * Lists the plugins of the registry (keyword `switchyard-plugin`) and of every index, with compatibility
 * against the running host and the installed version and signer. A failing source, or one `allowed_sources`
 * leaves out (not read at all), becomes a `problem`.
 *
 * @example
 * ```ts
 * const { plugins, problems } = await buildCatalog(context, new Map([['audit-log', { version: '1.0.0', signer: 'unsigned' }]]))
 * ```
 */
export async function buildCatalog(
  context: MarketplaceContext,
  installed: ReadonlyMap<string, InstalledSummary>,
): Promise<Catalog> {
  const plugins: CatalogEntry[] = []
  const problems: CatalogProblem[] = []
  const collect = async (
    source: { kind: 'registry' | 'index'; location: string },
    read: () => Promise<CatalogEntry[]>,
  ) => {
    const { location } = source
    try {
      if (!context.allows(source)) throw new SourceNotAllowedError(`${source.kind} ${location}`)
      plugins.push(...(await read()))
    } catch (error) {
      const code = error instanceof SwitchyardError ? error.code : 'E_DOWNLOAD'
      problems.push({ location, code, message: error instanceof Error ? error.message : String(error) })
    }
  }
  const registry = await context.registry()
  if (registry !== null)
    await collect({ kind: 'registry', location: registry.url }, () =>
      registryEntries(registry, context, installed),
    )
  for (const configured of context.config.indexes) {
    const location = indexUrl(configured, context.cwd)
    await collect({ kind: 'index', location }, () => indexEntries(location, context, installed))
  }
  plugins.sort((a, b) => a.name.localeCompare(b.name) || a.source.localeCompare(b.source))
  return { plugins, problems }
}

async function registryEntries(
  registry: RegistryClient,
  context: MarketplaceContext,
  installed: ReadonlyMap<string, InstalledSummary>,
): Promise<CatalogEntry[]> {
  const names = await registry.searchPlugins()
  return Promise.all(
    names.map(async (name) => {
      const packument = await registry.packument(name)
      const versions = semver.rsort(Object.keys(packument.versions).filter((v) => semver.valid(v)))
      const version = packument['dist-tags'].latest ?? versions[0] ?? ''
      const manifest = packument.versions[version]
      const hostRange = manifest === undefined ? null : hostRangeOf(manifest)
      return {
        name,
        version,
        versions,
        description: manifest?.description ?? null,
        ...listingFieldsOf(manifest ?? {}),
        source: 'registry' as const,
        location: registry.url,
        downloadUrl: null,
        checksumSha256: null,
        hostRange,
        compatibility: compatibilityOf(hostRange, context.hostVersion),
        ...installedOf(installed, name),
        keyId: null,
      }
    }),
  )
}

async function indexEntries(
  location: string,
  context: MarketplaceContext,
  installed: ReadonlyMap<string, InstalledSummary>,
): Promise<CatalogEntry[]> {
  const byName = new Map<string, IndexEntry[]>()
  for (const entry of await loadIndex(location, context.fetch))
    byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry])
  return [...byName].map(([name, entries]) => {
    const sorted = entries
      .filter((e) => semver.valid(e.version))
      .sort((a, b) => semver.rcompare(a.version, b.version))
    const newest = sorted[0] ?? entries[0]!
    const hostRange = newest.host ?? null
    return {
      name,
      version: newest.version,
      versions: sorted.map((entry) => entry.version),
      description: newest.description ?? null,
      ...listingFieldsOf(newest),
      source: 'index' as const,
      location,
      downloadUrl: newest.download_url,
      checksumSha256: newest.checksum_sha256 ?? null,
      hostRange,
      compatibility: compatibilityOf(hostRange, context.hostVersion),
      ...installedOf(installed, name),
      keyId: newest.key_id ?? null,
    }
  })
}

function installedOf(installed: ReadonlyMap<string, InstalledSummary>, name: string) {
  const found = installed.get(name)
  return { installedVersion: found?.version ?? null, installedSigner: found?.signer ?? null }
}
