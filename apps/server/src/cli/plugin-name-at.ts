import { readFile } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { UsageError } from '../errors.js'

/**
 * The name a plugin folder goes by without running its code: its package name without the scope (the host's
 * provisional name; the server checks the module agrees), or a single-file plugin's file name.
 *
 * @example
 * ```ts
 * await pluginNameAt('/repo/plugins/order-metrics') // 'order-metrics'
 * ```
 */
export async function pluginNameAt(path: string): Promise<string> {
  if (['.js', '.mjs'].includes(extname(path))) return basename(path, extname(path))
  let manifest: { name?: unknown; eventPlugin?: unknown }
  try {
    manifest = JSON.parse(await readFile(join(path, 'package.json'), 'utf8'))
  } catch (error) {
    throw new UsageError(
      `${path} is no plugin folder: cannot read its package.json (${(error as Error).message})`,
    )
  }
  if (typeof manifest.name !== 'string' || manifest.eventPlugin === undefined)
    throw new UsageError(`${path}/package.json has no name or no eventPlugin field: not a plugin package`)
  return manifest.name.replace(/^@[^/]+\//, '')
}
