import semver from 'semver'
import { PackageNotFoundError, SourceNotAllowedError } from '../errors.js'
import type { InstallRequest } from '../install/install-request.js'
import type { LockSource } from '../install/lockfile.js'
import type { MarketplaceContext } from '../marketplace-context.js'
import type { SignatureClaim } from '../trust/signature-claim.js'
import { type IndexEntry, indexUrl, loadIndex } from './plugin-index.js'

/** An archive to download, with what it must hash to and what it must contain. */
export interface Artifact {
  url: string
  source: LockSource
  /** SRI from the registry (`dist.integrity`). */
  integrity?: string
  /** Hex sha256 from an index entry or the request. */
  sha256?: string
  /** The package name and version the archive must declare, when asked for by name. */
  name?: string
  version?: string
  /** The Ed25519 signature an index entry or a direct-URL request carries. */
  signature?: SignatureClaim
  /** Registry installs: the version's `dist.signatures` and publish time, checked against the registry's keys. */
  registry?: { signatures: { keyid: string; sig: string }[]; publishedAt?: string }
}

/**
 * Finds the archive an install request names: by name (and semver range or dist-tag) in the registry first,
 * then in the indexes (highest matching version); or the direct URL as given. Sources missing from
 * `allowed_sources` are skipped, or refused for a direct URL (`E_SOURCE_NOT_ALLOWED`).
 *
 * @example
 * ```ts
 * const artifact = await resolveArtifact({ name: 'audit-log', version: '^1.0.0' }, context)
 * ```
 */
export async function resolveArtifact(
  request: InstallRequest,
  context: MarketplaceContext,
): Promise<Artifact> {
  if ('download_url' in request) {
    const source: LockSource = { kind: 'url', location: request.download_url }
    if (!context.allows(source)) throw new SourceNotAllowedError(`url ${request.download_url}`)
    return {
      url: request.download_url,
      source,
      ...(request.checksum_sha256 ? { sha256: request.checksum_sha256 } : {}),
      ...claimOf(request),
    }
  }
  const { name, version: range } = request
  const registry = await context.registry()
  if (registry !== null && context.allows({ kind: 'registry', location: registry.url })) {
    try {
      const found = await registry.resolve(name, range)
      const source: LockSource = { kind: 'registry', location: registry.url }
      const { signatures } = found.dist
      return {
        url: found.dist.tarball,
        source,
        integrity: found.dist.integrity ?? '',
        name,
        version: found.version,
        registry: found.publishedAt ? { signatures, publishedAt: found.publishedAt } : { signatures },
      }
    } catch (error) {
      if (!(error instanceof PackageNotFoundError)) throw error
    }
  }
  const fromIndex = await findInIndexes(name, range, context)
  if (fromIndex === undefined) {
    const refused = refusedSources(context, registry?.url)
    if (refused.length > 0) throw new SourceNotAllowedError(refused.join(', '))
    throw new PackageNotFoundError(`${name}@${range ?? 'latest'}`)
  }
  const { entry, location } = fromIndex
  return {
    url: entry.download_url,
    source: { kind: 'index', location },
    ...(entry.checksum_sha256 ? { sha256: entry.checksum_sha256 } : {}),
    name,
    version: entry.version,
    ...claimOf(entry),
  }
}

function claimOf(given: { signature?: string; key_id?: string }): { signature?: SignatureClaim } {
  const { signature, key_id } = given
  return signature && key_id ? { signature: { signature, key_id } } : {}
}

/** The configured sources `allowed_sources` kept out of a by-name lookup, for the message when nothing was found. */
function refusedSources(context: MarketplaceContext, registry: string | undefined): string[] {
  const refused: string[] = []
  if (registry !== undefined && !context.allows({ kind: 'registry', location: registry }))
    refused.push(`registry ${registry}`)
  for (const configured of context.config.indexes) {
    const location = indexUrl(configured, context.cwd)
    if (!context.allows({ kind: 'index', location })) refused.push(`index ${location}`)
  }
  return refused
}

async function findInIndexes(
  name: string,
  range: string | undefined,
  context: MarketplaceContext,
): Promise<{ entry: IndexEntry; location: string } | undefined> {
  let best: { entry: IndexEntry; location: string } | undefined
  for (const configured of context.config.indexes) {
    const location = indexUrl(configured, context.cwd)
    if (!context.allows({ kind: 'index', location })) continue
    for (const entry of await loadIndex(location, context.fetch)) {
      if (entry.name !== name || !matches(entry.version, range)) continue
      if (best === undefined || semver.gt(entry.version, best.entry.version)) best = { entry, location }
    }
  }
  return best
}

function matches(version: string, range: string | undefined): boolean {
  if (semver.valid(version) === null) return false
  return range === undefined || range === 'latest' || semver.satisfies(version, range)
}
