import { dirname, resolve } from 'node:path'
import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import type { PluginCandidate } from './plugin-candidate.js'

/**
 * A plugin given in code: a descriptor (`definePlugin`'s result), a plugin class, a factory returning one, or
 * `{ module }`, the path of a plugin file — the one form an isolated plugin can take, since its sandbox imports it.
 */
export type PluginSource =
  | PluginDescriptor
  | (new () => object)
  | (() => PluginDescriptor | Promise<PluginDescriptor>)
  | { module: string }

/**
 * Candidates for plugins given in code (`HostOptions.plugins`): each is read as the default export of a module,
 * so it takes every shape a plugin file may have, and is named `plugins[i]` in messages.
 *
 * @example
 * ```ts
 * const candidates = inlineCandidates([auditLog, webhooks], process.cwd())
 * ```
 */
export function inlineCandidates(sources: readonly PluginSource[], cwd: string): PluginCandidate[] {
  return sources.map((source, i) => {
    if (isFile(source)) {
      const entry = resolve(cwd, source.module)
      return { dir: dirname(entry), entry, source: 'file' }
    }
    return { dir: cwd, entry: `plugins[${i}]`, source: 'inline', module: Object.freeze({ default: source }) }
  })
}

function isFile(source: PluginSource): source is { module: string } {
  return (
    typeof source === 'object' &&
    typeof (source as { module?: unknown }).module === 'string' &&
    !('setup' in source)
  )
}
