import type { Readable } from 'node:stream'
import { SwitchyardError } from '@switchyard/core'
import { type Entry, fromBuffer, type ZipFile } from 'yauzl'
import { ArchiveFormatError, ArchiveLimitError, UnsafeArchiveError } from '../errors.js'
import type { MarketplaceLimits } from '../marketplace-config.js'
import { type ArchiveEntry, EntryChecker } from './archive-entry.js'

const S_IFMT = 0o170000
const S_IFDIR = 0o040000
const S_IFREG = 0o100000
const S_IFLNK = 0o120000
const UTF8_NAME_FLAG = 0x800

/**
 * Reads a zip archive into checked entries without writing anything: the same path and link rules as
 * tarballs (`E_UNSAFE_ARCHIVE`), limits checked on the declared sizes before inflating and on the real
 * bytes while inflating (a zip bomb is `E_ARCHIVE_LIMIT`).
 *
 * @example
 * ```ts
 * const entries = await readZip(bytes, config.limits)
 * ```
 */
export async function readZip(bytes: Buffer, limits: MarketplaceLimits): Promise<ArchiveEntry[]> {
  const zip = await open(bytes)
  const checker = new EntryChecker(limits)
  const entries: ArchiveEntry[] = []
  try {
    for (let entry = await next(zip); entry !== null; entry = await next(zip)) {
      // decodeStrings: false leaves the raw name bytes here, so yauzl rejects nothing before our own checks
      const name = Buffer.from(entry.fileName).toString(
        entry.generalPurposeBitFlag & UTF8_NAME_FLAG ? 'utf8' : 'latin1',
      )
      const path = checker.path(name)
      const type = (entry.externalFileAttributes >>> 16) & S_IFMT
      if (path === null) continue
      if (type === S_IFDIR || (type === 0 && name.endsWith('/'))) {
        checker.count(0)
        entries.push({ kind: 'directory', path })
        continue
      }
      if (type !== 0 && type !== S_IFREG && type !== S_IFLNK) {
        throw new UnsafeArchiveError(name, `device or special file (mode ${type.toString(8)})`)
      }
      checker.count(entry.uncompressedSize)
      const data = await inflate(zip, entry, name)
      if (type === S_IFLNK) {
        const target = data.toString('utf8')
        checker.linkTarget(path, target)
        entries.push({ kind: 'symlink', path, target })
      } else {
        entries.push({
          kind: 'file',
          path,
          data,
          executable: ((entry.externalFileAttributes >>> 16) & 0o111) !== 0,
        })
      }
    }
  } finally {
    zip.close()
  }
  return entries
}

function open(bytes: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    const options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: false, autoClose: false }
    fromBuffer(bytes, options, (error, zip) => {
      if (error) reject(new ArchiveFormatError(`not a valid zip: ${error.message}`, { cause: error }))
      else resolve(zip)
    })
  })
}

function next(zip: ZipFile): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const settle = (entry: Entry | null, error?: Error) => {
      zip.off('entry', settle)
      zip.off('end', onEnd)
      zip.off('error', onError)
      if (error) reject(new ArchiveFormatError(`corrupt zip: ${error.message}`, { cause: error }))
      else resolve(entry)
    }
    const onEnd = () => settle(null)
    const onError = (error: Error) => settle(null, error)
    zip.on('entry', settle)
    zip.on('end', onEnd)
    zip.on('error', onError)
    zip.readEntry()
  })
}

async function inflate(zip: ZipFile, entry: Entry, name: string): Promise<Buffer> {
  const stream = await new Promise<Readable>((resolve, reject) => {
    zip.openReadStream(entry, (error, readable) => {
      if (error) reject(new ArchiveFormatError(`cannot read ${name}: ${error.message}`, { cause: error }))
      else resolve(readable)
    })
  })
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length
      // the declared size was counted against the limits: inflating past it is how a bomb hides
      if (total > entry.uncompressedSize)
        throw new ArchiveLimitError(`bytes declared for ${name}`, entry.uncompressedSize)
      chunks.push(chunk as Buffer)
    }
  } catch (cause) {
    stream.destroy()
    if (cause instanceof SwitchyardError) throw cause
    throw new ArchiveFormatError(`corrupt zip entry ${name}: ${(cause as Error).message}`, { cause })
  }
  return Buffer.concat(chunks)
}
