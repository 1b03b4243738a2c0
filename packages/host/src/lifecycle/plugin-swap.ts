import type { Logger } from '@switchyard/core'
import { PluginDependencyError, type PluginDescriptor } from '@switchyard/plugin-sdk'
import semver from 'semver'
import type { PluginCandidate } from '../discovery/plugin-candidate.js'
import { pluginDependencies } from './plugin-dependencies.js'
import type { PluginRecord } from './plugin-record.js'
import type { PluginSet } from './plugin-set.js'

/** The version a swap starts: its descriptor and parsed config, and its new candidate when its files moved. */
export interface IncomingVersion {
  descriptor: PluginDescriptor
  config: unknown
  candidate?: PluginCandidate
}

/** What `swapPlugin` installs, and how to undo what `incoming` changed outside the host. */
export interface SwapPlan {
  /** Runs once the old version stopped (its handlers held). */
  incoming(): IncomingVersion | Promise<IncomingVersion>
  /** Runs when `incoming` or the new version's start failed, before the old version starts again. */
  revert?(): unknown
}

/**
 * Replaces a record's version without losing events (reload, config change, upgrade): deliveries to its
 * handlers are held, in-flight ones finish, the old version stops, `plan.incoming()` gives the new one (an
 * upgrade moves its files in there), it starts, then the held deliveries go to the new handlers. If anything
 * fails, `plan.revert` runs, the record is put back as it was (the old version started again, from the module
 * already loaded, and given the held deliveries) and the error is rethrown. A record that was not running has
 * nothing to hold: the new version is started if it may run. Dependents keep running while the new version
 * satisfies their range; the others fail with the reason.
 *
 * @example
 * ```ts
 * await swapPlugin(set, record, { incoming: () => ({ descriptor, config }) }, logger)
 * ```
 */
export async function swapPlugin(
  set: PluginSet,
  record: PluginRecord,
  plan: SwapPlan,
  logger: Logger,
): Promise<void> {
  const old = record.runtime
  const before = { ...record }
  // While held, the names stay routed after the old version unsubscribes: events of the gap wait for the new one.
  const hold = set.hold(old?.handlers() ?? [])
  try {
    await hold.settled
    if (old !== undefined) await set.stop(record, 'stopped')
    try {
      const next = await plan.incoming()
      const { descriptor, candidate = record.candidate } = next
      Object.assign(record, { descriptor, candidate, state: 'loaded', error: undefined, reason: undefined })
      if (old !== undefined) await set.launch(record, next.config)
      else if (!(await set.start(record)) && record.state === 'failed') throw record.error
    } catch (error) {
      try {
        await plan.revert?.()
      } catch (revertError) {
        logger.error({ err: revertError, plugin: record.name }, 'swap: revert failed')
      }
      Object.assign(record, before, { runtime: undefined })
      if (old !== undefined) await restart(set, record, old.config, error as Error)
      throw error
    }
  } finally {
    hold.release()
  }
  await failMismatchedDependents(set, record)
}

// Starts the old version again after a failed swap, keeping why the swap failed; fails the record if it cannot.
async function restart(set: PluginSet, record: PluginRecord, config: unknown, why: Error): Promise<void> {
  try {
    await set.launch(record, config)
    record.error = why
  } catch (error) {
    set.fail(record, error as Error)
  }
}

// Dependents keep running across a swap while the new version satisfies their range; the others fail.
async function failMismatchedDependents(set: PluginSet, record: PluginRecord): Promise<void> {
  const version = record.descriptor?.version
  if (record.state !== 'started' || version === undefined) return
  for (const dependent of set.dependents(record.name)) {
    const wanted = pluginDependencies(dependent.descriptor as PluginDescriptor).find(
      (dependency) => dependency.name === record.name,
    )
    if (wanted === undefined || semver.satisfies(version, wanted.range, { includePrerelease: true })) continue
    const reason = `requires "${record.name}" ${wanted.range}, found ${version}`
    await set.disable(dependent, reason)
    set.fail(dependent, new PluginDependencyError([dependent.name, record.name], reason))
  }
}
