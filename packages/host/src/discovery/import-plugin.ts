import { pathToFileURL } from 'node:url'
import { type PluginDescriptor, PluginLoadError } from '@switchyard/plugin-sdk'
import { toPluginDescriptor } from '@switchyard/plugin-sdk/runtime'
import type { PluginCandidate } from './plugin-candidate.js'

let generation = 0

/**
 * Imports a candidate's entry and finds the plugin in it (every export shape `toPluginDescriptor` accepts).
 * With `fresh`, the URL carries a query string that no earlier import used, so Node evaluates the file again:
 * that is how a reload picks up new code (modules the entry imports stay cached).
 *
 * @example
 * ```ts
 * const plugin = await importPlugin(candidate, { fresh: true })
 * ```
 */
export async function importPlugin(
  candidate: PluginCandidate,
  options: { fresh?: boolean } = {},
): Promise<PluginDescriptor> {
  if (candidate.problem !== undefined) throw new PluginLoadError(candidate.problem)
  const url = pathToFileURL(candidate.entry)
  if (options.fresh) url.search = `reload=${++generation}`
  let module: Record<string, unknown>
  try {
    module = await import(url.href)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new PluginLoadError(`cannot import ${candidate.entry}: ${reason}`, { cause })
  }
  return toPluginDescriptor(module, candidate.entry)
}
