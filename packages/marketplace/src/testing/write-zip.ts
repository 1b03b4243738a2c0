import { crc32, deflateRawSync } from 'node:zlib'

/** One raw zip entry. `mode` carries the Unix file type (symlink, device) in the external attributes. */
export interface ZipEntry {
  name: string
  data?: string | Buffer
  mode?: number
  /** Uncompressed size written in the headers when it should lie about the real one. */
  declaredSize?: number
}

/**
 * A minimal zip writer (deflate, Unix attributes, UTF-8 names) for building real and hostile archives.
 *
 * @example
 * ```ts
 * const zip = writeZip([{ name: 'plugin/package.json', data: '{}' }])
 * ```
 */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '')
    const compressed = deflateRawSync(data)
    const name = Buffer.from(entry.name, 'utf8')
    const size = entry.declaredSize ?? data.length
    const common = { crc: crc32(data), compressed: compressed.length, size, nameLength: name.length }
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    writeCommon(local, 4, common)
    locals.push(local, name, compressed)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(0x031e, 4) // made by Unix, so the external attributes hold a mode
    writeCommon(central, 6, common)
    const mode = entry.mode ?? (entry.name.endsWith('/') ? 0o040755 : 0o100644)
    central.writeUInt32LE(mode * 0x10000, 38)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, name)
    offset += local.length + name.length + compressed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

interface Common {
  crc: number
  compressed: number
  size: number
  nameLength: number
}

/** Writes the fields local and central headers share, from `version needed` to `file name length`. */
function writeCommon(buffer: Buffer, at: number, common: Common): void {
  buffer.writeUInt16LE(20, at) // version needed
  buffer.writeUInt16LE(0x0800, at + 2) // UTF-8 names
  buffer.writeUInt16LE(8, at + 4) // deflate
  buffer.writeUInt32LE(0, at + 6) // time and date
  buffer.writeUInt32LE(common.crc, at + 10)
  buffer.writeUInt32LE(common.compressed, at + 14)
  buffer.writeUInt32LE(common.size, at + 18)
  buffer.writeUInt16LE(common.nameLength, at + 22)
}
