import { extname, resolve } from 'node:path'
import { PluginLoadError } from '@switchyard/plugin-sdk'
import type { PluginCandidate } from './plugin-candidate.js'
import { readPluginPackage } from './read-plugin-package.js'

/**
 * The plugin candidate at `path` (relative to `cwd`): a `.js`/`.mjs` file, or a package folder whose
 * package.json has an `eventPlugin` field (else `PluginLoadError`).
 *
 * @example
 * ```ts
 * const candidate = await candidateAt('.switchyard/plugins/@acme/audit-log', process.cwd())
 * ```
 */
export async function candidateAt(path: string, cwd: string): Promise<PluginCandidate> {
  const absolute = resolve(cwd, path)
  if (['.js', '.mjs'].includes(extname(absolute)))
    return { dir: resolve(absolute, '..'), entry: absolute, source: 'file' }
  const candidate = await readPluginPackage(absolute, 'directory')
  if (candidate === undefined)
    throw new PluginLoadError(`${absolute} has no package.json with an eventPlugin field`)
  return candidate
}
