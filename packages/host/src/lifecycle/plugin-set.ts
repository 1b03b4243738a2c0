import type { Logger } from '@switchyard/core'
import { PluginDependencyError, type PluginDescriptor, PluginLoadError } from '@switchyard/plugin-sdk'
import {
  PluginRuntime,
  pluginDependencies,
  type RuntimeServices,
  resolveStartOrder,
} from '@switchyard/plugin-sdk/runtime'
import semver from 'semver'
import { importPlugin } from '../discovery/import-plugin.js'
import type { PluginCandidate } from '../discovery/plugin-candidate.js'
import { type PluginRecord, provisionalName } from './plugin-record.js'

/** A plugin's parsed config, or why it is invalid. */
export type ConfigureResult = { ok: true; config: unknown } | { ok: false; error: Error }

/** The version a swap starts: its descriptor and parsed config, and its new candidate when its files moved. */
export interface IncomingVersion {
  descriptor: PluginDescriptor
  config: unknown
  candidate?: PluginCandidate
}

/** What `PluginSet.swap` installs, and how to undo what `incoming` changed outside the host. */
export interface SwapPlan {
  /** Runs once the old version stopped (its handlers held). */
  incoming(): IncomingVersion | Promise<IncomingVersion>
  /** Runs when `incoming` or the new version's start failed, before the old version starts again. */
  revert?(): unknown
}

/** What the plugin set needs from its host. */
export interface PluginSetOptions {
  services: RuntimeServices
  logger: Logger
  startTimeoutMs(name: string): number
  stopTimeoutMs: number
  /** Parses a plugin's config from the current configuration, placing issues in the file. */
  configure(descriptor: PluginDescriptor): ConfigureResult
  /** Whether a plugin should run when first seen (persisted state, else config). */
  wanted(name: string): Promise<boolean>
}

/**
 * The plugins of a host and their lifecycle: import, dependency order, start with deadline, stop, disable with
 * dependents, and the drained swap used by reload. Not safe for concurrent calls: the host serialises them.
 *
 * @example
 * ```ts
 * const set = new PluginSet(options)
 * await set.startAll(await set.load(candidates))
 * ```
 */
export class PluginSet {
  #records = new Map<string, PluginRecord>()
  #options: PluginSetOptions

  constructor(options: PluginSetOptions) {
    this.#options = options
  }

  get(name: string): PluginRecord | undefined {
    return this.#records.get(name)
  }

  list(): PluginRecord[] {
    return [...this.#records.values()]
  }

  /**
   * Imports candidates concurrently; a second plugin with a taken name fails with both paths in the reason.
   * With `fresh`, entries imported before are evaluated again (a package replaced in the same folder).
   */
  async load(
    candidates: readonly PluginCandidate[],
    options: { fresh?: boolean } = {},
  ): Promise<PluginRecord[]> {
    const imported = await Promise.all(
      candidates.map((candidate) =>
        importPlugin(candidate, options).then(
          (descriptor) => ({ candidate, descriptor, error: undefined }),
          (error: Error) => ({ candidate, descriptor: undefined, error }),
        ),
      ),
    )
    const added: PluginRecord[] = []
    for (const { candidate, descriptor, error } of imported) {
      let name = descriptor?.name ?? provisionalName(candidate)
      const taken = this.#records.get(name)
      const record: PluginRecord = {
        name,
        candidate,
        state: 'discovered',
        enabled: true,
        reloads: 0,
        warnings: [],
      }
      if (taken !== undefined) {
        name = `${name}@${candidate.entry}`
        Object.assign(record, { name })
        this.#fail(
          record,
          new PluginLoadError(`duplicate plugin name "${taken.name}": also at ${taken.candidate.entry}`),
        )
      } else if (descriptor === undefined) this.#fail(record, error as Error)
      else Object.assign(record, { descriptor, state: 'loaded', enabled: await this.#options.wanted(name) })
      this.#records.set(name, record)
      added.push(record)
    }
    return added
  }

  /** Starts loaded records in dependency order; unmet dependencies and cycles fail those plugins only. */
  async startAll(records: readonly PluginRecord[]): Promise<void> {
    const loaded = records.filter((record) => record.descriptor !== undefined && record.state !== 'failed')
    const { order, failures, warnings } = resolveStartOrder(
      loaded.map((record) => record.descriptor as PluginDescriptor),
    )
    for (const warning of warnings)
      this.#options.logger.warn({ warning }, 'optional plugin dependency unavailable')
    for (const [name, failure] of failures) {
      const record = this.#records.get(name) as PluginRecord
      this.#fail(record, new PluginDependencyError(failure.chain, failure.reason))
    }
    for (const name of order) await this.start(this.#records.get(name) as PluginRecord)
  }

  /** Starts one record if it is enabled and its required dependencies run; records why not otherwise. */
  async start(record: PluginRecord): Promise<boolean> {
    const descriptor = record.descriptor
    if (record.state === 'started') return true
    if (descriptor === undefined) return false
    if (!record.enabled) return this.#park(record, record.reason ?? 'disabled')
    record.warnings = []
    for (const dependency of pluginDependencies(descriptor)) {
      const found = this.#records.get(dependency.name)
      const version = found?.descriptor?.version
      const running = found?.state === 'started' && version !== undefined
      if (running && semver.satisfies(version, dependency.range, { includePrerelease: true })) continue
      const problem = !running
        ? found?.state === 'disabled'
          ? undefined
          : `dependency "${dependency.name}" ${found === undefined ? 'is missing' : `is ${found.state}`}`
        : `requires "${dependency.name}" ${dependency.range}, found ${version}`
      if (dependency.optional) {
        record.warnings.push(`optional dependency "${dependency.name}" is not running`)
      } else if (problem === undefined) {
        record.blockedBy = dependency.name
        return this.#park(record, `dependency "${dependency.name}" is disabled`)
      } else {
        const cause = found?.error
        const { chain, reason } =
          cause instanceof PluginDependencyError
            ? cause
            : { chain: [dependency.name], reason: cause?.message ?? problem }
        return this.#fail(record, new PluginDependencyError([record.name, ...chain], reason))
      }
    }
    const parsed = this.#options.configure(descriptor)
    if (!parsed.ok) return this.#fail(record, parsed.error)
    record.state = 'configured'
    const runtime = new PluginRuntime(descriptor, parsed.config, this.#options.services)
    try {
      await runtime.start(this.#options.startTimeoutMs(record.name))
    } catch (error) {
      return this.#fail(record, error as Error)
    }
    Object.assign(record, {
      runtime,
      state: 'started',
      error: undefined,
      reason: undefined,
      blockedBy: undefined,
    })
    return true
  }

  /** Stops a running record (its handlers drain first); `state` says why: host stop, or disabled. */
  async stop(record: PluginRecord, state: 'stopped' | 'disabled', reason?: string): Promise<void> {
    // Routes unmount at once; the state changes once in-flight deliveries drained and onStop callbacks ran.
    const runtime = record.runtime
    record.runtime = undefined
    try {
      await runtime?.stop(this.#options.stopTimeoutMs)
    } catch (error) {
      record.error = error as Error
      this.#options.logger.error({ err: error, plugin: record.name }, 'plugin stop failed')
    }
    record.state = state
    record.reason = reason
  }

  /** Records that depend (not optionally) on `name` and are running: they stop before it. */
  dependents(name: string): PluginRecord[] {
    return this.list().filter(
      (record) =>
        record.state === 'started' &&
        pluginDependencies(record.descriptor as PluginDescriptor).some((d) => d.name === name && !d.optional),
    )
  }

  /** Disables a record and, first, every running plugin that depends on it (remembering what blocked them). */
  async disable(record: PluginRecord, reason: string): Promise<void> {
    for (const dependent of this.dependents(record.name)) {
      dependent.blockedBy = record.name
      await this.disable(dependent, `dependency "${record.name}" was disabled`)
    }
    await this.stop(record, 'disabled', reason)
  }

  /** Starts the records that were disabled because `name` was, now that it runs again. */
  async unblock(name: string): Promise<void> {
    for (const record of this.list()) {
      if (record.blockedBy !== name || record.state !== 'disabled' || !record.enabled) continue
      record.blockedBy = undefined
      record.reason = undefined
      if (await this.start(record)) await this.unblock(record.name)
    }
  }

  /**
   * Replaces a record's version without losing events (reload, config change, upgrade): deliveries to its
   * handlers are held, in-flight ones finish, the old version stops, `plan.incoming()` gives the new one (an
   * upgrade moves its files in there), it starts, then the held deliveries go to the new handlers. If anything
   * fails, `plan.revert` runs, the record is put back as it was (the old version started again, from the module
   * already loaded, and given the held deliveries) and the error is rethrown. A record that was not running has
   * nothing to hold: the new version is started if it may run.
   */
  async swap(record: PluginRecord, plan: SwapPlan): Promise<void> {
    const old = record.runtime
    const before = { ...record }
    const names = old?.handlers() ?? []
    // While held, the names stay routed after the old version unsubscribes: events of the gap wait for the new one.
    const hold = this.#options.services.bus.hold(names)
    const services = this.#options.services
    try {
      await hold.settled
      if (old !== undefined) await this.stop(record, 'stopped')
      try {
        const next = await plan.incoming()
        const { descriptor, candidate = record.candidate } = next
        Object.assign(record, { descriptor, candidate, state: 'loaded', error: undefined, reason: undefined })
        if (old !== undefined) await this.#run(record, next.config, services)
        else if (!(await this.start(record)) && record.state === 'failed') throw record.error
      } catch (error) {
        try {
          await plan.revert?.()
        } catch (revertError) {
          this.#options.logger.error({ err: revertError, plugin: record.name }, 'swap: revert failed')
        }
        Object.assign(record, before, { runtime: undefined })
        if (old !== undefined) await this.#restart(record, old.config, services, error as Error)
        throw error
      }
    } finally {
      hold.release()
    }
    await this.#failMismatchedDependents(record)
  }

  /** Forgets a record (it must be stopped). */
  delete(name: string): void {
    this.#records.delete(name)
  }

  // Starts a new runtime for a record's descriptor; throws when setup fails (the record is left unchanged).
  async #run(record: PluginRecord, config: unknown, services: RuntimeServices): Promise<void> {
    const runtime = new PluginRuntime(record.descriptor as PluginDescriptor, config, services)
    await runtime.start(this.#options.startTimeoutMs(record.name))
    Object.assign(record, { runtime, state: 'started', error: undefined })
  }

  // Starts the old version again after a failed swap, keeping why the swap failed; fails the record if it cannot.
  async #restart(
    record: PluginRecord,
    config: unknown,
    services: RuntimeServices,
    why: Error,
  ): Promise<void> {
    try {
      await this.#run(record, config, services)
      record.error = why
    } catch (error) {
      this.#fail(record, error as Error)
    }
  }

  // Dependents keep running across a swap while the new version satisfies their range; the others fail.
  async #failMismatchedDependents(record: PluginRecord): Promise<void> {
    const version = record.descriptor?.version
    if (record.state !== 'started' || version === undefined) return
    for (const dependent of this.dependents(record.name)) {
      const wanted = pluginDependencies(dependent.descriptor as PluginDescriptor).find(
        (dependency) => dependency.name === record.name,
      )
      if (wanted === undefined || semver.satisfies(version, wanted.range, { includePrerelease: true }))
        continue
      const reason = `requires "${record.name}" ${wanted.range}, found ${version}`
      await this.disable(dependent, reason)
      this.#fail(dependent, new PluginDependencyError([dependent.name, record.name], reason))
    }
  }

  #fail(record: PluginRecord, error: Error): false {
    Object.assign(record, { state: 'failed', error, reason: error.message, runtime: undefined })
    this.#options.logger.error({ plugin: record.name, err: error }, 'plugin failed')
    return false
  }

  #park(record: PluginRecord, reason: string): false {
    Object.assign(record, { state: 'disabled', reason })
    return false
  }
}
