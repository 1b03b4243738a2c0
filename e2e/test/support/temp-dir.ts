import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A fresh directory under the OS temp dir, and how to remove it. */
export interface TempDir {
  readonly path: string
  remove(): Promise<void>
}

/**
 * Makes a fresh temporary directory; `remove()` deletes it with everything in it.
 *
 * @example
 * ```ts
 * const dir = await makeTempDir('crash')
 * try { ... } finally { await dir.remove() }
 * ```
 */
export async function makeTempDir(label: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `switchyard-e2e-${label}-`))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}
