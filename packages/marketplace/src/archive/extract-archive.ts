import { rm } from 'node:fs/promises'
import { ArchiveFormatError } from '../errors.js'
import type { MarketplaceLimits } from '../marketplace-config.js'
import type { ArchiveEntry } from './archive-entry.js'
import { settleEntries } from './archive-entry.js'
import { readTar } from './read-tar.js'
import { readZip } from './read-zip.js'
import { writeEntries } from './write-entries.js'

/**
 * Unpacks a gzipped tarball or a zip (told apart by their first bytes) into `dir`, which must not exist
 * yet. Everything is read and checked in memory first; the checks that need the files (where links really
 * lead) run after writing and remove `dir` again, so a rejected archive leaves nothing.
 *
 * @example
 * ```ts
 * await extractArchive(bytes, join(staging, 'package'), config.limits)
 * ```
 */
export async function extractArchive(bytes: Buffer, dir: string, limits: MarketplaceLimits): Promise<void> {
  await writeArchive(await readArchive(bytes, limits), dir)
}

/**
 * Reads and checks a gzipped tarball or a zip in memory (nothing is written): its entries, the single top folder
 * dropped. What the install reads the package.json from before it trusts the archive enough to write it.
 *
 * @example
 * ```ts
 * const entries = await readArchive(bytes, config.limits)
 * ```
 */
export async function readArchive(bytes: Buffer, limits: MarketplaceLimits): Promise<ArchiveEntry[]> {
  return settleEntries(await readEntries(bytes, limits))
}

/**
 * Writes entries `readArchive` returned into `dir`, which must not exist yet; a rejected link removes `dir` again.
 *
 * @example
 * ```ts
 * await writeArchive(entries, join(staging, 'package'))
 * ```
 */
export async function writeArchive(entries: readonly ArchiveEntry[], dir: string): Promise<void> {
  try {
    await writeEntries(dir, entries)
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

function readEntries(bytes: Buffer, limits: MarketplaceLimits): Promise<ArchiveEntry[]> {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return readTar(bytes, limits)
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return readZip(bytes, limits)
  throw new ArchiveFormatError('expected a gzipped tarball (.tgz) or a .zip')
}
