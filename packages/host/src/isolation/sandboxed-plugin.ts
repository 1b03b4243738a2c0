import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import type { PluginConfigResult } from '../config/parse-plugin-config.js'
import type { IsolatedEngine } from './isolated-engine.js'

const byDescriptor = new WeakMap<PluginDescriptor, SandboxedPlugin>()

/**
 * A plugin whose module the host never imported (its descriptor came from a sandbox's manifest, see
 * `fromManifest`): what the host does with its code goes through sandboxes. Its config is parsed by its own
 * schema in a sandbox — the one that read its manifest when that was launched as the plugin's own, else a new
 * one — which is kept and becomes the engine of the start that follows.
 *
 * @example
 * ```ts
 * const plugin = new SandboxedPlugin(() => isolator.make('audit-log', candidate), probe)
 * SandboxedPlugin.attach(descriptor, plugin)
 * const parsed = await SandboxedPlugin.of(descriptor)?.parseConfig({ channel: 'log' })
 * ```
 */
export class SandboxedPlugin {
  #make: () => IsolatedEngine
  #spare: IsolatedEngine | undefined
  #current: IsolatedEngine | undefined

  /** `spare`: a sandbox already launched as the plugin's own (the one that read its manifest), kept for its start. */
  constructor(make: () => IsolatedEngine, spare?: IsolatedEngine) {
    this.#make = make
    this.#spare = spare
  }

  /** The sandboxed plugin a descriptor stands for, or undefined for a plugin imported in the host. */
  static of(descriptor: PluginDescriptor | undefined): SandboxedPlugin | undefined {
    return descriptor === undefined ? undefined : byDescriptor.get(descriptor)
  }

  /** Marks `descriptor` as the manifest of `plugin`. */
  static attach(descriptor: PluginDescriptor, plugin: SandboxedPlugin): void {
    byDescriptor.set(descriptor, plugin)
  }

  /**
   * Parses `raw` with the plugin's schema: in its running sandbox (a configuration reload), else in a new one
   * kept for the next start; a kept sandbox that failed is ended.
   */
  async parseConfig(raw: unknown): Promise<PluginConfigResult> {
    const current = this.#current
    if (current?.isolation().state === 'running') return current.configure(raw)
    this.#spare ??= this.#make()
    try {
      return await this.#spare.configure(raw)
    } catch (error) {
      this.release()
      throw error
    }
  }

  /** The engine of a start: the sandbox that parsed its config, or a new one. */
  takeEngine(): IsolatedEngine {
    const engine = this.#spare ?? this.#make()
    this.#spare = undefined
    this.#current = engine
    return engine
  }

  /** Ends the kept sandbox when no start will take it (the plugin failed or stays disabled). */
  release(): void {
    const spare = this.#spare
    this.#spare = undefined
    spare?.stop().catch(() => undefined)
  }
}
