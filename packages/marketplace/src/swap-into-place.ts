import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { AlreadyInstalledError, PluginStartError } from './errors.js'
import type { LockEntry, Lockfile, LockSource } from './lockfile.js'
import type { MarketplaceHooks, PluginPackage } from './marketplace-hooks.js'
import { pathExists } from './path-exists.js'
import { Rollback } from './rollback.js'
import type { StagedPlugin } from './stage-plugin.js'

/** What `swapIntoPlace` changes: the lock as it was, and the running version when upgrading. */
export interface SwapPlan {
  staged: StagedPlugin
  source: LockSource
  installDir: string
  lockfile: Lockfile
  lock: ReadonlyMap<string, LockEntry>
  /** The installed package being replaced; absent for a fresh install. */
  previous?: PluginPackage
}

/**
 * Moves a staged plugin into `<installDir>/<name>` and records it in the lockfile, then calls `start`.
 * When upgrading, the old version is stopped and moved aside first. If any step or `start` fails, every
 * step is undone in reverse (old files and lock back, old version started again) and the error rethrown,
 * a failed `start` as `PluginStartError` (`E_PLUGIN_START`) telling whether the rollback succeeded.
 *
 * @example
 * ```ts
 * const entry = await swapIntoPlace({ staged, source, installDir, lockfile, lock }, hooks)
 * ```
 */
export async function swapIntoPlace(plan: SwapPlan, hooks: MarketplaceHooks): Promise<LockEntry> {
  const { staged, previous } = plan
  const { name, version } = staged.plugin
  const target = join(plan.installDir, name)
  const entry: LockEntry = {
    name,
    version,
    source: plan.source,
    integrity: staged.integrity,
    installedAt: new Date().toISOString(),
  }
  const rollback = new Rollback()
  try {
    const created = await mkdir(dirname(target), { recursive: true })
    if (created !== undefined) rollback.push(() => rm(created, { recursive: true, force: true }))
    if (previous === undefined && (await pathExists(target))) {
      throw new AlreadyInstalledError(name, { unlistedDir: target })
    }
    if (previous !== undefined) {
      await hooks.stop?.(name)
      rollback.push(() => hooks.start?.(previous))
      const aside = join(staged.root, 'previous')
      await rename(target, aside)
      rollback.push(() => rename(aside, target))
    }
    await rename(staged.plugin.dir, target)
    rollback.push(() => rename(target, staged.plugin.dir))
    await plan.lockfile.write(new Map(plan.lock).set(name, entry))
    rollback.push(() => plan.lockfile.write(plan.lock))
  } catch (error) {
    await rollback.run()
    throw error
  }
  try {
    await hooks.start?.(relocate(staged.plugin, target))
  } catch (cause) {
    // the host may hold half of a failed start (routes, subscriptions): let it drop them before the old one returns
    await Promise.resolve()
      .then(() => hooks.stop?.(name))
      .catch(() => undefined)
    throw new PluginStartError(name, cause, await rollback.run())
  }
  return entry
}

/** The same package described at another folder (staging -> install directory). */
function relocate(plugin: PluginPackage, dir: string): PluginPackage {
  return { ...plugin, dir, entry: join(dir, relative(plugin.dir, plugin.entry)) }
}
