import { createHash } from 'node:crypto'
import { readdir, readFile, readlink } from 'node:fs/promises'
import { join, relative } from 'node:path'

/**
 * Every path under `dir` with a digest of its content (folders as `dir`, links as `-> target`), to assert
 * that a failed operation changed nothing. A missing folder is an empty snapshot.
 *
 * @example
 * ```ts
 * const before = await snapshotTree(root)
 * await expect(marketplace.install(request)).rejects.toThrow()
 * expect(await snapshotTree(root)).toEqual(before)
 * ```
 */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {}
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name)
    const key = relative(dir, path)
    if (entry.isDirectory()) snapshot[key] = 'dir'
    else if (entry.isSymbolicLink()) snapshot[key] = `-> ${await readlink(path)}`
    else
      snapshot[key] = createHash('sha256')
        .update(await readFile(path))
        .digest('hex')
  }
  return snapshot
}
