import { pathToFileURL } from 'node:url'
import { type Logger, noopLogger } from '@switchyard/core'
import { type PluginDescriptor, PluginLoadError } from '@switchyard/plugin-sdk'
import { followReloads, RELOAD_PARAMETER } from './follow-reloads.js'
import { forgetRequired } from './forget-required.js'
import type { PluginCandidate } from './plugin-candidate.js'
import { toPluginDescriptor } from './to-plugin-descriptor.js'

let generation = 0

/**
 * Imports a candidate's entry (or reads an inline candidate's module) and finds the plugin in it (every export shape `toPluginDescriptor` accepts).
 * With `fresh`, Node evaluates the plugin again — the entry and the plugin's own files it imports, while its
 * packages (`node_modules`) and Node's built-ins stay shared: that is how a reload picks up new code. The entry's
 * URL carries a query parameter that no earlier import used, and module hooks registered on the first fresh import
 * pass it on to the plugin's files (see `followReloads`; `logger` gets its one warning where Node cannot);
 * a CommonJS plugin's files are dropped from the `require` cache instead.
 *
 * @example
 * ```ts
 * const plugin = await importPlugin(candidate, { fresh: true, logger })
 * ```
 */
export async function importPlugin(
  candidate: PluginCandidate,
  options: { fresh?: boolean; logger?: Logger } = {},
): Promise<PluginDescriptor> {
  if (candidate.problem !== undefined) throw new PluginLoadError(candidate.problem)
  if (candidate.module !== undefined) return toPluginDescriptor(candidate.module, candidate.entry)
  const url = pathToFileURL(candidate.entry)
  if (options.fresh) {
    followReloads(options.logger ?? noopLogger)
    await forgetRequired(candidate)
    url.searchParams.set(RELOAD_PARAMETER, String(++generation))
  }
  let module: Record<string, unknown>
  try {
    module = await import(url.href)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new PluginLoadError(`cannot import ${candidate.entry}: ${reason}`, { cause })
  }
  return toPluginDescriptor(module, candidate.entry)
}
