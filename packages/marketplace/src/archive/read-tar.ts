import { gunzipSync } from 'node:zlib'
import { Parser, type ReadEntry } from 'tar'
import { ArchiveFormatError, ArchiveLimitError, UnsafeArchiveError } from '../errors.js'
import type { MarketplaceLimits } from '../marketplace-config.js'
import { type ArchiveEntry, EntryChecker } from './archive-entry.js'

interface RawEntry {
  type: ReadEntry['type']
  path: string
  linkpath: string
  mode: number
  data: Buffer[]
}

/** Room for tar headers and padding besides the file contents when gunzipping. */
const TAR_OVERHEAD_PER_ENTRY = 1536

/**
 * Reads a gzipped tarball (`npm pack`) into checked entries without writing anything. Gunzipping stops at
 * the size limit (a gzip bomb is `E_ARCHIVE_LIMIT`); absolute paths, `..`, device files and links leaving
 * the folder are `E_UNSAFE_ARCHIVE`. Hard links become copies of the file they name.
 *
 * @example
 * ```ts
 * const entries = await readTar(bytes, config.limits)
 * ```
 */
export async function readTar(bytes: Buffer, limits: MarketplaceLimits): Promise<ArchiveEntry[]> {
  const checker = new EntryChecker(limits)
  const entries: ArchiveEntry[] = []
  const files = new Map<string, Buffer>()
  for (const raw of await parse(gunzip(bytes, limits))) {
    const path = checker.path(raw.path)
    if (path === null) continue
    const entry = toEntry(raw, path, checker, files)
    checker.count(entry.kind === 'file' ? entry.data.length : 0)
    if (entry.kind === 'file') files.set(path, entry.data)
    entries.push(entry)
  }
  return entries
}

function toEntry(
  raw: RawEntry,
  path: string,
  checker: EntryChecker,
  files: Map<string, Buffer>,
): ArchiveEntry {
  switch (raw.type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      return { kind: 'file', path, data: Buffer.concat(raw.data), executable: (raw.mode & 0o111) !== 0 }
    case 'Directory':
      return { kind: 'directory', path }
    case 'SymbolicLink':
      checker.linkTarget(path, raw.linkpath)
      return { kind: 'symlink', path, target: raw.linkpath }
    case 'Link': {
      const target = checker.path(raw.linkpath)
      const data = target === null ? undefined : files.get(target)
      if (data === undefined)
        throw new UnsafeArchiveError(raw.path, `hard link to ${raw.linkpath}, not a file before it`)
      return { kind: 'file', path, data, executable: (raw.mode & 0o111) !== 0 }
    }
    case 'CharacterDevice':
    case 'BlockDevice':
    case 'FIFO':
      throw new UnsafeArchiveError(raw.path, `device file (${raw.type})`)
    default:
      throw new UnsafeArchiveError(raw.path, `unsupported entry type ${raw.type}`)
  }
}

function gunzip(bytes: Buffer, limits: MarketplaceLimits): Buffer {
  const maxOutputLength = limits.max_unpacked_bytes + (limits.max_files + 2) * TAR_OVERHEAD_PER_ENTRY
  try {
    return gunzipSync(bytes, { maxOutputLength })
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ArchiveLimitError('unpacked bytes', limits.max_unpacked_bytes)
    }
    throw new ArchiveFormatError('not a valid gzip stream', { cause })
  }
}

function parse(tarBytes: Buffer): Promise<RawEntry[]> {
  return new Promise((resolve, reject) => {
    const raws: RawEntry[] = []
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry) => {
        const raw: RawEntry = {
          type: entry.type,
          path: entry.path,
          linkpath: entry.linkpath ?? '',
          mode: entry.mode ?? 0o644,
          data: [],
        }
        raws.push(raw)
        entry.on('data', (chunk: Buffer) => raw.data.push(chunk))
      },
    })
    parser.on('error', (cause: Error) =>
      reject(new ArchiveFormatError(`corrupt tarball: ${cause.message}`, { cause })),
    )
    parser.on('end', () => resolve(raws))
    parser.end(tarBytes)
  })
}
