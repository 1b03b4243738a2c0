import { realpath } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { sep } from 'node:path'
import type { PluginCandidate } from './plugin-candidate.js'

const required = createRequire(import.meta.url).cache

/**
 * Drops a CommonJS plugin's own files from the `require` cache, so importing it again evaluates them afresh
 * (module hooks do not reach `require`, and Node imports a CommonJS file through that cache whatever its URL's
 * query). A package plugin forgets every file in its folder outside `node_modules`; a single-file plugin, its
 * file. Code already running keeps the modules it holds.
 *
 * @example
 * ```ts
 * await forgetRequired(candidate) // then import the entry with a new query string
 * ```
 */
export async function forgetRequired(candidate: PluginCandidate): Promise<void> {
  if (candidate.source === 'file') {
    delete required[await realpath(candidate.entry).catch(() => candidate.entry)]
    return
  }
  const root = `${await realpath(candidate.dir).catch(() => candidate.dir)}${sep}`
  for (const file of Object.keys(required)) {
    if (file.startsWith(root) && !file.slice(root.length).split(sep).includes('node_modules'))
      delete required[file]
  }
}
