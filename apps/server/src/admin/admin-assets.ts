import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/**
 * Where the built admin UI is: the `dist` folder of the installed `@switchyard/admin` package, or undefined when
 * the package is missing or was not built (then `/admin` says so instead of serving a blank page).
 *
 * @example
 * ```ts
 * const root = adminAssetsDir() // '/app/node_modules/@switchyard/admin/dist'
 * ```
 */
export function adminAssetsDir(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@switchyard/admin/package.json')
    const dist = join(dirname(manifest), 'dist')
    return existsSync(join(dist, 'index.html')) ? dist : undefined
  } catch {
    return undefined
  }
}
