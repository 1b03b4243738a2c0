import { gzipSync } from 'node:zlib'
import { Header, type HeaderData } from 'tar'

/** One raw tar entry; any path, type or link target, hostile ones included. */
export interface TarEntry {
  path: string
  type?: NonNullable<HeaderData['type']>
  data?: string | Buffer
  linkpath?: string
  mode?: number
}

/**
 * Builds a gzipped tarball byte for byte from raw entries, so tests can make archives `tar.c` refuses to
 * write (absolute paths, `..`, devices, links leaving the folder).
 *
 * @example
 * ```ts
 * const tgz = writeTar([{ path: 'package/../../evil.js', data: 'x' }])
 * ```
 */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = []
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '')
    const type = entry.type ?? 'File'
    const header = new Header({
      path: entry.path,
      type,
      mode: entry.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size: type === 'File' ? data.length : 0,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
      ...(entry.linkpath === undefined ? {} : { linkpath: entry.linkpath }),
    })
    header.encode()
    blocks.push(header.block!)
    if (type === 'File') blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(blocks))
}
