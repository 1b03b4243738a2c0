import { access } from 'node:fs/promises'

/**
 * Whether something (file, folder, link) exists at `path`.
 *
 * @example
 * ```ts
 * if (await pathExists(join(dir, 'node_modules'))) return
 * ```
 */
export function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}
