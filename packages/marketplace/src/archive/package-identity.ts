import { NotAPluginError } from '../errors.js'
import type { ArchiveEntry } from './archive-entry.js'

/** The name and version an archive's package.json declares. */
export interface PackageIdentity {
  name: string
  version: string
}

/**
 * The name and version of the package.json at the root of read archive entries: what a signature covers. The
 * full manifest is checked later, from the written files.
 *
 * @example
 * ```ts
 * packageIdentity(await readArchive(bytes, limits)) // { name: 'audit-log', version: '1.0.0' }
 * ```
 */
export function packageIdentity(entries: readonly ArchiveEntry[]): PackageIdentity {
  const file = entries.find((entry) => entry.kind === 'file' && entry.path === 'package.json')
  if (file === undefined || file.kind !== 'file')
    throw new NotAPluginError('the archive has no package.json at its root')
  let json: unknown
  try {
    json = JSON.parse(file.data.toString('utf8'))
  } catch {
    throw new NotAPluginError('the archive has an unreadable package.json at its root')
  }
  const { name, version } = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>
  if (typeof name !== 'string' || typeof version !== 'string')
    throw new NotAPluginError('package.json needs a "name" and a "version"')
  return { name, version }
}
