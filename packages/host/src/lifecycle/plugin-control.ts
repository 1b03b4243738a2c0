import type { Logger, Store } from '@switchyard/core'
import { type PluginDescriptor, PluginLoadError } from '@switchyard/plugin-sdk'
import type { SwitchyardConfig } from '../config/config-schema.js'
import type { LoadedConfig } from '../config/load-config.js'
import { candidateAt } from '../discovery/candidate-at.js'
import { PluginNotFoundError } from '../errors.js'
import type { ReplaceSteps } from '../host-options.js'
import { type PluginRecord, type PluginStatus, toPluginStatus } from './plugin-record.js'
import type { ConfigureResult, PluginSet } from './plugin-set.js'
import { swapPlugin } from './plugin-swap.js'

/** What runtime control needs from its host. */
export interface PluginControlOptions {
  plugins: PluginSet
  store: Store
  /** The running configuration (it changes on reload). */
  loaded(): LoadedConfig
  /** Configures a plugin from the running configuration (`config.load`, then its schema). */
  configure(descriptor: PluginDescriptor): Promise<ConfigureResult>
  cwd: string
  logger: Logger
}

/**
 * The runtime control of a host's plugins: enable, disable, reload, replace, add and remove, and applying a
 * plugin's entry of a reloaded configuration. Not safe for concurrent calls: `PluginHost` serialises them and
 * documents each.
 *
 * @example
 * ```ts
 * const control = new PluginControl({ plugins, store, loaded: () => loaded, configure, cwd, logger })
 * await control.reload('audit-log')
 * ```
 */
export class PluginControl {
  #options: PluginControlOptions

  constructor(options: PluginControlOptions) {
    this.#options = options
  }

  record(name: string): PluginRecord {
    const record = this.#options.plugins.get(name)
    if (record === undefined) throw new PluginNotFoundError(name)
    return record
  }

  async enable(name: string): Promise<PluginStatus> {
    const record = this.record(name)
    record.enabled = true
    await this.#persist(name, true)
    if (record.state === 'failed' || record.state === 'disabled') {
      Object.assign(record, { state: record.descriptor ? 'loaded' : 'discovered', reason: undefined })
      if (record.descriptor === undefined) await this.#refresh(record)
      await this.#startAndUnblock(record)
    }
    return toPluginStatus(record)
  }

  async disable(name: string): Promise<PluginStatus> {
    const record = this.record(name)
    record.enabled = false
    await this.#persist(name, false)
    await this.#options.plugins.disable(record, 'disabled')
    return toPluginStatus(record)
  }

  async reload(name: string): Promise<PluginStatus> {
    const record = this.record(name)
    const descriptor = await this.#refresh(record)
    if (record.state !== 'started') {
      if (record.enabled && record.state !== 'disabled') await this.#options.plugins.start(record)
      return toPluginStatus(record)
    }
    const parsed = await this.#options.configure(descriptor)
    if (!parsed.ok) throw this.#keep(record, parsed.error)
    await swapPlugin(
      this.#options.plugins,
      record,
      { incoming: () => ({ descriptor, config: parsed.config }) },
      this.#options.logger,
    )
    return toPluginStatus(record)
  }

  async replace(name: string, path: string, steps: ReplaceSteps): Promise<PluginStatus> {
    const record = this.record(name)
    const incoming = async () => {
      await steps.prepare?.()
      const candidate = await candidateAt(path, this.#options.cwd)
      const descriptor = await this.#options.plugins.read(candidate, { fresh: true })
      if (descriptor.name !== name)
        throw new PluginLoadError(`${candidate.entry} names itself "${descriptor.name}", not "${name}"`)
      const parsed = await this.#options.configure(descriptor)
      if (!parsed.ok) throw parsed.error
      return { descriptor, config: parsed.config, candidate }
    }
    await swapPlugin(
      this.#options.plugins,
      record,
      { incoming, revert: () => steps.revert?.() },
      this.#options.logger,
    )
    if (record.state === 'started') await this.#options.plugins.unblock(name)
    return toPluginStatus(record)
  }

  async add(path: string): Promise<PluginStatus> {
    const { plugins } = this.#options
    // fresh: an upgrade or a reinstall puts new code at a path Node has cached
    const [record] = await plugins.load([await candidateAt(path, this.#options.cwd)], { fresh: true })
    if (record === undefined) throw new PluginLoadError(`no plugin at ${path}`)
    if (record.state !== 'failed') await plugins.start(record)
    if (record.state === 'failed') {
      plugins.delete(record.name)
      throw record.error
    }
    // Plugins disabled because one of this name was removed start again.
    if (record.state === 'started') await plugins.unblock(record.name)
    return toPluginStatus(record)
  }

  async remove(name: string, forget: boolean): Promise<void> {
    const record = this.record(name)
    await this.#options.plugins.disable(record, 'removed')
    this.#options.plugins.delete(name)
    if (forget) await this.#options.store.forgetPlugin(name)
  }

  /** Applies a plugin's entry of the configuration now running, compared with `previous`. */
  async applyConfig(record: PluginRecord, config: unknown, previous: SwitchyardConfig): Promise<void> {
    const entry = this.#options.loaded().config.plugins[record.name]
    const was = previous.plugins[record.name]
    const enabled = entry?.enabled ?? true
    if (enabled !== (was?.enabled ?? true)) {
      record.enabled = enabled
      await this.#persist(record.name, enabled)
      if (!enabled) return this.#options.plugins.disable(record, 'disabled by config')
      Object.assign(record, { state: 'loaded', reason: undefined })
      return this.#startAndUnblock(record)
    }
    const changed = JSON.stringify(entry?.config ?? {}) !== JSON.stringify(was?.config ?? {})
    if (changed && record.state === 'started' && record.descriptor) {
      const descriptor = record.descriptor
      await swapPlugin(
        this.#options.plugins,
        record,
        { incoming: () => ({ descriptor, config }) },
        this.#options.logger,
      )
    }
  }

  async #startAndUnblock(record: PluginRecord): Promise<void> {
    if (await this.#options.plugins.start(record)) await this.#options.plugins.unblock(record.name)
  }

  async #persist(name: string, enabled: boolean): Promise<void> {
    await this.#options.store.setPluginState(name, { enabled, updatedAt: new Date().toISOString() })
  }

  async #refresh(record: PluginRecord): Promise<PluginDescriptor> {
    const descriptor = await this.#options.plugins
      .read(record.candidate, { fresh: true })
      .catch((error: Error) => {
        throw this.#keep(record, error)
      })
    if (descriptor.name !== record.name && record.descriptor !== undefined) {
      throw this.#keep(
        record,
        new PluginLoadError(
          `${record.candidate.entry} now names itself "${descriptor.name}", not "${record.name}"`,
        ),
      )
    }
    record.reloads += 1
    if (record.state !== 'started') Object.assign(record, { descriptor, state: 'loaded', error: undefined })
    return descriptor
  }

  // Records an error on a plugin that keeps running as it was (a refused reload), and returns it to throw.
  #keep(record: PluginRecord, error: Error): Error {
    record.error = error
    return error
  }
}
