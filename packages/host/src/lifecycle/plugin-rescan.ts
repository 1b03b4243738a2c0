import { realpath } from 'node:fs/promises'
import { relative, resolve, sep } from 'node:path'
import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import { scanDirectory } from '../discovery/discover-plugins.js'
import type { PluginCandidate } from '../discovery/plugin-candidate.js'
import type { PluginRecord } from './plugin-record.js'
import type { PluginSet } from './plugin-set.js'
import { resolveStartOrder } from './resolve-start-order.js'

/** What a rescan changed: plugins found and started (or failed), plugins whose folder is gone, stopped. */
export interface RescanResult {
  added: string[]
  removed: string[]
}

/** What `rescanPlugins` needs. */
export interface RescanOptions {
  plugins: PluginSet
  /** The plugin directories now configured (absolute). */
  directories: readonly string[]
  /** The directories scanned before (absolute): a plugin of one that is no longer configured is removed. */
  previous: readonly string[]
  /** Stops a plugin after draining (its dependents first) and forgets it. */
  remove(name: string): Promise<void>
}

const real = (path: string) => realpath(path).catch(() => path)

const within = (path: string, directory: string) => {
  const rel = relative(directory, path)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep))
}

/**
 * Compares the plugin directories with the plugins the host knows: a plugin found in them that the host does
 * not know yet is loaded and started (dependencies first; one that cannot start stays listed as failed); a
 * plugin that came from one of them (now or before) whose package or file is gone is stopped after draining
 * and forgotten. Plugins from elsewhere (the marketplace, app dependencies, inline) are left alone.
 *
 * @example
 * ```ts
 * const { added, removed } = await rescanPlugins({ plugins, directories: ['/srv/plugins'], previous, remove })
 * ```
 */
export async function rescanPlugins(options: RescanOptions): Promise<RescanResult> {
  const { plugins } = options
  const found = new Map<string, PluginCandidate>()
  for (const directory of options.directories)
    for (const candidate of await scanDirectory(directory)) found.set(await real(candidate.entry), candidate)

  const scanned = [...options.directories, ...options.previous].map((d) => resolve(d))
  const removed: string[] = []
  const known = new Set<string>()
  for (const record of plugins.list()) {
    const { source, entry, dir } = record.candidate
    if (source !== 'directory' && source !== 'file') continue
    const key = await real(entry)
    known.add(key)
    if (found.has(key) || !scanned.some((directory) => within(dir, directory))) continue
    await options.remove(record.name)
    removed.push(record.name)
  }

  const fresh = [...found].filter(([key]) => !known.has(key)).map(([, candidate]) => candidate)
  if (fresh.length === 0) return { added: [], removed }
  const loaded = await plugins.load(fresh, { fresh: true })
  await startInOrder(plugins, loaded)
  return { added: loaded.map((record) => record.name), removed }
}

// Dependencies first, among the new plugins and those already known; start() checks each one's dependencies.
async function startInOrder(plugins: PluginSet, loaded: readonly PluginRecord[]): Promise<void> {
  const descriptors = plugins
    .list()
    .flatMap((record) => (record.descriptor === undefined ? [] : [record.descriptor as PluginDescriptor]))
  const { order } = resolveStartOrder(descriptors)
  const rank = (record: PluginRecord) => {
    const at = order.indexOf(record.name)
    return at < 0 ? order.length : at
  }
  for (const record of [...loaded].sort((a, b) => rank(a) - rank(b))) {
    if (record.state === 'failed') continue
    if (await plugins.start(record)) await plugins.unblock(record.name)
  }
}
