import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import type { PluginCandidate } from './plugin-candidate.js'

/** A plugin given in code: a descriptor (`definePlugin`'s result), a plugin class, or a factory returning one. */
export type PluginSource =
  | PluginDescriptor
  | (new () => object)
  | (() => PluginDescriptor | Promise<PluginDescriptor>)

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
  return sources.map((source, i) => ({
    dir: cwd,
    entry: `plugins[${i}]`,
    source: 'inline',
    module: Object.freeze({ default: source }),
  }))
}
