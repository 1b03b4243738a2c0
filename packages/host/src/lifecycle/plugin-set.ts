import { availableParallelism } from 'node:os'
import type { HandlerHold, Logger } from '@switchyard/core'
import { PluginDependencyError, type PluginDescriptor, PluginLoadError } from '@switchyard/plugin-sdk'
import type { RuntimeServices } from '../context/runtime-services.js'
import { importPlugin } from '../discovery/import-plugin.js'
import type { PluginCandidate } from '../discovery/plugin-candidate.js'
import type { Isolator } from '../isolation/create-isolator.js'
import { fromManifest } from '../isolation/plugin-manifest.js'
import { SandboxedPlugin } from '../isolation/sandboxed-plugin.js'
import { PluginRuntime } from '../runtime/plugin-runtime.js'
import { checkDependencies } from './dependency-check.js'
import { limitConcurrency } from './limit-concurrency.js'
import { pluginDependencies } from './plugin-dependencies.js'
import { type PluginRecord, provisionalName } from './plugin-record.js'
import { resolveStartOrder } from './resolve-start-order.js'

/** A plugin's parsed config, or why it is invalid. */
export type ConfigureResult = { ok: true; config: unknown } | { ok: false; error: Error }

/** What the plugin set needs from its host. */
export interface PluginSetOptions {
  services: RuntimeServices
  logger: Logger
  startTimeoutMs(name: string): number
  stopTimeoutMs: number
  /** Configures a plugin from the current configuration (`config.load`, then its schema), placing issues in the file. */
  configure(descriptor: PluginDescriptor): Promise<ConfigureResult>
  /** Whether a plugin should run when first seen (persisted state, else config). */
  wanted(name: string): Promise<boolean>
  /** Runs plugins in sandboxes as configured; without one every plugin runs in-process. */
  isolator?: Isolator
  /** Whether the record runs in a sandbox, so it may start beside others. */
  isolated?(record: PluginRecord): boolean
}

// Sandboxes launching at once at start: enough to overlap their waits, few enough not to swamp a small machine.
const SANDBOX_STARTS = Math.max(4, availableParallelism() * 2)

/**
 * The plugins of a host and their lifecycle: import, dependency order, start with deadline, stop, disable with
 * dependents; `swapPlugin` builds the drained swap of reload on it. Not safe for concurrent calls: the host serialises them.
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
    const limit = limitConcurrency(SANDBOX_STARTS)
    const names = candidates.flatMap((candidate) => candidate.declaredName ?? [])
    const contested = new Set(names.filter((name, i) => names.indexOf(name) !== i))
    const imported = await Promise.all(
      candidates.map((candidate) =>
        this.read(candidate, { ...options, limit, contested }).then(
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
        faults: 0,
        warnings: [],
      }
      if (taken !== undefined) {
        name = `${name}@${candidate.entry}`
        Object.assign(record, { name })
        this.fail(
          record,
          new PluginLoadError(`duplicate plugin name "${taken.name}": also at ${taken.candidate.entry}`),
        )
      } else if (descriptor === undefined) this.fail(record, error as Error)
      else Object.assign(record, { descriptor, state: 'loaded', enabled: await this.#options.wanted(name) })
      this.#records.set(name, record)
      added.push(record)
    }
    return added
  }

  /**
   * The plugin of a candidate. One that may run isolated (see `Isolator.probe`) is imported in a sandbox first,
   * never in the host: the host keeps the manifest it sends (`fromManifest`), and imports the module itself only
   * when the plugin, named, turns out to run in-process. When that sandbox was launched as the plugin's own, it
   * stays and the plugin starts in it (one launch per plugin); else it ends. `installed` treats it as a
   * marketplace install (staged, inspected only); `contested` are names several candidates declare.
   */
  async read(
    candidate: PluginCandidate,
    options: {
      fresh?: boolean
      installed?: boolean
      limit?: <T>(work: () => Promise<T>) => Promise<T>
      contested?: ReadonlySet<string>
    } = {},
  ): Promise<PluginDescriptor> {
    const { isolator } = this.#options
    const claimed = candidate.declaredName ?? ''
    // A process probe writes only in the folder of a name nobody else holds or declares (a reload reads the
    // running plugin's code again: its probe stays out of the folder the running one writes).
    const ownFolder = !this.#records.has(claimed) && !(options.contested?.has(claimed) ?? false)
    const probe = isolator?.probe(candidate, { installed: options.installed, ownFolder })
    if (isolator === undefined || probe === undefined) return this.#import(candidate, options)
    let kept = false
    try {
      let manifest: unknown
      try {
        manifest = await (options.limit ?? ((work) => work()))(() => probe.load())
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause)
        throw new PluginLoadError(`cannot load ${candidate.entry} in a sandbox: ${reason}`, { cause })
      }
      const descriptor = declared(candidate, fromManifest(manifest, candidate.entry))
      const { name } = descriptor
      if (isolator.modeOf(name, candidate, options) === 'none') return await this.#import(candidate, options)
      // A staged package is only inspected (nothing starts from this read): its sandbox ends.
      kept = options.installed !== true && isolator.ownSandbox(probe, name, candidate)
      const make = () => isolator.make(name, candidate)
      SandboxedPlugin.attach(descriptor, new SandboxedPlugin(make, kept ? probe : undefined))
      return descriptor
    } finally {
      if (!kept) await probe.stop().catch(() => undefined)
    }
  }

  async #import(candidate: PluginCandidate, options: { fresh?: boolean }): Promise<PluginDescriptor> {
    const imported = await importPlugin(candidate, {
      fresh: options.fresh ?? false,
      logger: this.#options.logger,
    })
    return declared(candidate, imported)
  }

  /**
   * Starts loaded records in dependency order; unmet dependencies and cycles fail those plugins only. A plugin
   * in-process starts after every plugin before it in that order, as one after another; an isolated one (whose
   * start is mostly its sandbox's launch) waits only for its own dependencies and the in-process plugins before it,
   * so sandboxes start side by side, at most `SANDBOX_STARTS` at once.
   */
  async startAll(records: readonly PluginRecord[]): Promise<void> {
    const loaded = records.filter((record) => record.descriptor !== undefined && record.state !== 'failed')
    const { order, failures, warnings } = resolveStartOrder(
      loaded.map((record) => record.descriptor as PluginDescriptor),
    )
    for (const warning of warnings)
      this.#options.logger.warn({ warning }, 'optional plugin dependency unavailable')
    for (const [name, failure] of failures) {
      const record = this.#records.get(name) as PluginRecord
      this.fail(record, new PluginDependencyError(failure.chain, failure.reason))
    }
    const limit = limitConcurrency(SANDBOX_STARTS)
    const started = new Map<string, Promise<unknown>>()
    let everyEarlier: Promise<unknown> = Promise.resolve()
    let inProcessEarlier: Promise<unknown> = Promise.resolve()
    for (const name of order) {
      const record = this.#records.get(name) as PluginRecord
      const isolated = this.#options.isolated?.(record) ?? false
      const dependencies = pluginDependencies(record.descriptor as PluginDescriptor).map((d) =>
        started.get(d.name),
      )
      const ready = isolated ? Promise.all([inProcessEarlier, ...dependencies]) : everyEarlier
      const run = ready
        .then(() => (isolated ? limit(() => this.start(record)) : this.start(record)))
        .catch((error: Error) => this.fail(record, error))
      started.set(name, run)
      everyEarlier = Promise.all([everyEarlier, run])
      if (!isolated) inProcessEarlier = Promise.all([inProcessEarlier, run])
    }
    await everyEarlier
  }

  /** Starts one record if it is enabled and its required dependencies run; records why not otherwise. */
  async start(record: PluginRecord): Promise<boolean> {
    const descriptor = record.descriptor
    if (record.state === 'started') return true
    if (descriptor === undefined) return false
    if (!record.enabled) return this.#park(record, record.reason ?? 'disabled')
    const check = checkDependencies(record, (name) => this.#records.get(name))
    record.warnings = check.warnings
    if (check.blockedBy !== undefined) {
      record.blockedBy = check.blockedBy
      return this.#park(record, `dependency "${check.blockedBy}" is disabled`)
    }
    if (check.error !== undefined) return this.fail(record, check.error)
    const parsed = await this.#options.configure(descriptor)
    if (!parsed.ok) return this.fail(record, parsed.error)
    record.state = 'configured'
    try {
      await this.launch(record, parsed.config)
    } catch (error) {
      return this.fail(record, error as Error)
    }
    Object.assign(record, { reason: undefined, blockedBy: undefined })
    return true
  }

  /** Starts a new runtime of the record's descriptor with `config`; throws when setup fails (record unchanged). */
  async launch(record: PluginRecord, config: unknown): Promise<void> {
    // A sandboxed plugin starts in the sandbox that parsed its config; one imported here, as configured now.
    const engine =
      SandboxedPlugin.of(record.descriptor)?.takeEngine() ?? this.#options.isolator?.engine(record)
    const runtime = new PluginRuntime(
      record.descriptor as PluginDescriptor,
      config,
      this.#options.services,
      engine,
    )
    await runtime.start(this.#options.startTimeoutMs(record.name))
    Object.assign(record, { runtime, state: 'started', error: undefined })
    this.#warnOptionalDependents(record.name, true)
  }

  /** Holds deliveries to these handlers (a swap's gap): they wait, routed, until `release`. */
  hold(handlers: readonly string[]): HandlerHold {
    return this.#options.services.bus.hold(handlers)
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
    if (runtime !== undefined) record.isolation = runtime.isolation()
    record.state = state
    record.reason = reason
    this.#warnOptionalDependents(record.name, false)
  }

  /** Stops every running record, dependents before the plugins they depend on: a start order, reversed. */
  async stopAll(): Promise<void> {
    const running = this.list().filter((record) => record.state === 'started')
    const { order } = resolveStartOrder(running.map((record) => record.descriptor as PluginDescriptor))
    const ordered = order.map((name) => this.#records.get(name) as PluginRecord)
    const rest = running.filter((record) => !ordered.includes(record))
    for (const record of [...rest, ...ordered.reverse()]) await this.stop(record, 'stopped')
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
    await this.#disableDependents(record, 'was disabled')
    await this.stop(record, 'disabled', reason)
  }

  /**
   * Stops a running record as `failed` with `error` (its faults passed their limit); its running dependents are
   * disabled first and start again when it is enabled.
   */
  async failRunning(record: PluginRecord, error: Error): Promise<void> {
    if (record.state !== 'started') return
    await this.#disableDependents(record, 'failed')
    await this.stop(record, 'stopped')
    this.fail(record, error)
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

  /** Forgets a record (it must be stopped). */
  delete(name: string): void {
    this.#records.delete(name)
  }

  /** Marks a record failed with `error` (kept in its status) and logs it. */
  fail(record: PluginRecord, error: Error): false {
    SandboxedPlugin.of(record.descriptor)?.release()
    Object.assign(record, { state: 'failed', error, reason: error.message, runtime: undefined })
    this.#options.logger.error({ plugin: record.name, err: error }, 'plugin failed')
    return false
  }

  async #disableDependents(record: PluginRecord, what: string): Promise<void> {
    for (const dependent of this.dependents(record.name)) {
      dependent.blockedBy = record.name
      await this.disable(dependent, `dependency "${record.name}" ${what}`)
    }
  }

  // Optional dependents keep running while `name` is down; their status says so (their ctx.use calls fail fast).
  #warnOptionalDependents(name: string, running: boolean): void {
    const warning = `optional dependency "${name}" is not running`
    for (const record of this.list()) {
      if (record.state !== 'started' || record.descriptor === undefined) continue
      if (!pluginDependencies(record.descriptor).some((d) => d.name === name && d.optional)) continue
      record.warnings = record.warnings.filter((other) => other !== warning)
      if (!running) record.warnings.push(warning)
    }
  }

  #park(record: PluginRecord, reason: string): false {
    SandboxedPlugin.of(record.descriptor)?.release()
    Object.assign(record, { state: 'disabled', reason })
    return false
  }
}

// A plugin whose package.json declares its name (`eventPlugin.name`) must be named so by its module.
function declared(candidate: PluginCandidate, descriptor: PluginDescriptor): PluginDescriptor {
  const name = candidate.declaredName
  if (name === undefined || descriptor.name === name) return descriptor
  throw new PluginLoadError(
    `${candidate.entry} names itself "${descriptor.name}", but its package.json declares eventPlugin.name "${name}"`,
  )
}
