import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { AlreadyInstalledError, PluginStartError } from '../errors.js'
import type { LockEntry, Lockfile, LockSource } from './lockfile.js'
import type { MarketplaceHooks, PluginPackage, ReplaceSteps } from './marketplace-hooks.js'
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
 * Moves a staged plugin into `<installDir>/<name>` and records it in the lockfile, then starts it. An upgrade
 * goes through the `replace` hook when there is one (the files move while the host holds the plugin's
 * deliveries, so none is lost), else the old version is stopped and moved aside first and the new one started.
 * If any step or the start fails, every step is undone in reverse (old files and lock back, old version started
 * again) and the error rethrown, a failed start as `PluginStartError` (`E_PLUGIN_START`) telling whether the
 * rollback succeeded.
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
    signer: staged.signer,
    installedAt: new Date().toISOString(),
  }
  const rollback = new Rollback()
  // A failed step undoes the ones before it (and whatever the caller pushed first) before the error goes on.
  const moveIn = async () => {
    try {
      const created = await mkdir(dirname(target), { recursive: true })
      if (created !== undefined) rollback.push(() => rm(created, { recursive: true, force: true }))
      if (previous === undefined && (await pathExists(target))) {
        throw new AlreadyInstalledError(name, { unlistedDir: target })
      }
      if (previous !== undefined) {
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
  }
  const next = relocate(staged.plugin, target)
  if (previous !== undefined && hooks.replace !== undefined) {
    await replaceRunning(name, (steps) => hooks.replace?.(next, steps), moveIn, rollback)
    return entry
  }
  if (previous !== undefined) {
    await hooks.stop?.(name)
    rollback.push(() => hooks.start?.(previous))
  }
  await moveIn()
  try {
    await hooks.start?.(next)
  } catch (cause) {
    // the host may hold half of a failed start (routes, subscriptions): let it drop them before the old one returns
    await Promise.resolve()
      .then(() => hooks.stop?.(name))
      .catch(() => undefined)
    throw new PluginStartError(name, cause, await rollback.run())
  }
  return entry
}

// Runs the `replace` hook with the file moves as its steps. A failure before the files moved is rethrown as is;
// after, the files are put back (by the hook's `revert`, or here if it did not) and it is a `PluginStartError`.
async function replaceRunning(
  name: string,
  replace: (steps: ReplaceSteps) => unknown,
  moveIn: () => Promise<void>,
  rollback: Rollback,
): Promise<void> {
  let moved = false
  let restored: boolean | undefined
  const revert = async () => {
    if (!moved) return
    moved = false
    restored = await rollback.run()
  }
  try {
    await replace({
      async prepare() {
        await moveIn()
        moved = true
      },
      revert,
    })
  } catch (cause) {
    await revert()
    if (restored === undefined) throw cause
    throw new PluginStartError(name, cause, restored)
  }
}

/** The same package described at another folder (staging -> install directory). */
function relocate(plugin: PluginPackage, dir: string): PluginPackage {
  return { ...plugin, dir, entry: join(dir, relative(plugin.dir, plugin.entry)) }
}
