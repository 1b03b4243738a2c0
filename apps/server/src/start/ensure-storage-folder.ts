import { constants, mkdirSync, statSync } from 'node:fs'
import { access } from 'node:fs/promises'
import { dirname } from 'node:path'
import { StorageFolderError } from '../errors.js'

/**
 * Makes sure the folder of a database file exists and is writable, creating missing folders one at a time
 * from the nearest existing ancestor. A recursive `mkdir` is not used: under `/proc` it never returns on Node
 * 20 (each level fails with ENOENT and is retried), and no deadline can interrupt a synchronous call. The
 * error names the first folder that is not a folder, cannot be created or cannot be written.
 *
 * @example
 * ```ts
 * await ensureStorageFolder('/var/lib/switchyard/data.db') // creates /var/lib/switchyard if needed
 * ```
 */
export async function ensureStorageFolder(file: string): Promise<void> {
  const missing: string[] = []
  let folder = dirname(file)
  for (;;) {
    const stats = statSync(folder, { throwIfNoEntry: false })
    if (stats !== undefined) {
      if (!stats.isDirectory()) throw new StorageFolderError(file, folder, 'it exists and is not a folder')
      break
    }
    missing.unshift(folder)
    const parent = dirname(folder)
    if (parent === folder) break
    folder = parent
  }
  for (const path of missing) {
    try {
      mkdirSync(path)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // EEXIST: made meanwhile by someone else, fine.
      if (code !== 'EEXIST')
        throw new StorageFolderError(file, path, `it cannot be created (${code})`, { cause: error })
    }
  }
  const target = dirname(file)
  try {
    await access(target, constants.W_OK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new StorageFolderError(file, target, `it is not writable (${code})`, { cause: error })
  }
}
