import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { UnsafeArchiveError } from '../errors.js'
import type { ArchiveEntry } from './archive-entry.js'

/**
 * Writes checked entries under `root` (a fresh staging folder): folders, then files (never over an
 * existing path), then links, each link's real target checked to exist inside `root` (a chain of links
 * could otherwise leave it).
 *
 * @example
 * ```ts
 * await writeEntries(stagingDir, settleEntries(await readTar(bytes, limits)))
 * ```
 */
export async function writeEntries(root: string, entries: readonly ArchiveEntry[]): Promise<void> {
  await mkdir(root, { recursive: true })
  for (const entry of entries) {
    if (entry.kind === 'directory') await mkdir(join(root, entry.path), { recursive: true })
  }
  for (const entry of entries) {
    if (entry.kind !== 'file') continue
    const path = join(root, entry.path)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, entry.data, { flag: 'wx', mode: entry.executable ? 0o755 : 0o644 })
  }
  const links = entries.filter((entry) => entry.kind === 'symlink')
  for (const link of links) {
    const path = join(root, link.path)
    await mkdir(dirname(path), { recursive: true })
    await symlink(link.target, path)
  }
  const realRoot = await realpath(root)
  for (const link of links) {
    // a dangling link could be one that leaves the folder through another link: refuse it as well
    const target = await realpath(join(root, link.path)).catch(() => undefined)
    if (target === undefined)
      throw new UnsafeArchiveError(link.path, `link to nothing in the archive (${link.target})`)
    if (!isInside(realRoot, target)) {
      throw new UnsafeArchiveError(link.path, `link resolves outside the folder (${link.target})`)
    }
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return !(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
}
