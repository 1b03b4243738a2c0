import { integrityOf } from '../archive/digest.js'
import { readArchive } from '../archive/extract-archive.js'
import { type PackageIdentity, packageIdentity } from '../archive/package-identity.js'
import { parseMarketplaceConfig } from '../marketplace-config.js'

/**
 * What a signature of an archive covers: the name and version of its package.json and its sha512 SRI. The
 * archive is read in memory under the default limits.
 *
 * @example
 * ```ts
 * const { identity, integrity } = await digestArchive(bytes)
 * ```
 */
export async function digestArchive(
  bytes: Buffer,
): Promise<{ identity: PackageIdentity; integrity: string }> {
  const entries = await readArchive(bytes, parseMarketplaceConfig({}).limits)
  return { identity: packageIdentity(entries), integrity: integrityOf(bytes) }
}
