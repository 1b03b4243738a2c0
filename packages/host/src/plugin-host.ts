import { readFileSync } from 'node:fs'
import { extname, resolve } from 'node:path'
import {
  EventBus,
  type ExtensionPointInfo,
  type HealthResult,
  type Logger,
  MemoryStore,
  noopLogger,
  type Store,
} from '@switchyard/core'
import { type PluginDescriptor, PluginLoadError } from '@switchyard/plugin-sdk'
import {
  attachCatalog,
  collectHealth,
  createPluginsApp,
  EventCatalog,
  type HealthReport,
  parsePluginConfig,
  type RuntimeServices,
  renderMetrics,
} from '@switchyard/plugin-sdk/runtime'
import type { Hono } from 'hono'
import { Registry } from 'prom-client'
import { type CatalogEventJson, catalogJsonSchema } from './catalog-json-schema.js'
import { busSettings } from './config/bus-settings.js'
import type { SwitchyardConfig, SwitchyardConfigInput } from './config/config-schema.js'
import { type LoadedConfig, loadConfig, parseConfig, validateConfig } from './config/load-config.js'
import { toConfigIssue } from './config/to-config-issue.js'
import { discoverPlugins } from './discovery/discover-plugins.js'
import { importPlugin } from './discovery/import-plugin.js'
import type { PluginCandidate } from './discovery/plugin-candidate.js'
import { readPluginPackage } from './discovery/read-plugin-package.js'
import { ConfigError, PluginNotFoundError } from './errors.js'
import { registerHostMetrics } from './host-metrics.js'
import type { HostOptions, ReplaceSteps } from './host-options.js'
import { type PluginRecord, type PluginStatus, toPluginStatus } from './lifecycle/plugin-record.js'
import { type ConfigureResult, PluginSet } from './lifecycle/plugin-set.js'

const DEFAULT_TIMEOUT_MS = 10_000

/**
 * Runs the plugins of one Switchyard process: loads the configuration, discovers plugins, starts them in
 * dependency order, and enables, disables, reloads, adds and removes them at runtime without losing events.
 * Management calls run one at a time.
 *
 * @example
 * ```ts
 * const host = new PluginHost({ configPath: 'config/switchyard.yaml' })
 * await host.start()
 * await host.reload('audit-log')
 * await host.stop()
 * ```
 */
export class PluginHost {
  readonly bus: EventBus
  readonly store: Store
  readonly logger: Logger
  readonly registry: Registry
  /** Serves `/plugins/<name>/...` from the running plugins' routes; mount it into the server. */
  readonly app: Hono
  #options: HostOptions
  #loaded: LoadedConfig
  #ownsBus: boolean
  #services: RuntimeServices
  #plugins: PluginSet
  #queue: Promise<unknown> = Promise.resolve()

  constructor(options: HostOptions = {}) {
    this.#options = options
    this.#loaded = options.configPath
      ? parseConfig(readFileSync(options.configPath, 'utf8'), {
          file: options.configPath,
          env: options.env ?? process.env,
        })
      : validateConfig(options.config)
    this.logger = options.logger ?? noopLogger
    this.#ownsBus = options.bus === undefined
    this.bus =
      options.bus ??
      new EventBus({
        ...busSettings(this.#loaded.config),
        store: options.store ?? new MemoryStore(),
        ...(options.transport === undefined ? {} : { transport: options.transport }),
        logger: this.logger,
      })
    this.store = this.bus.store
    this.registry = options.registry ?? new Registry()
    this.#services = {
      bus: this.bus,
      store: this.store,
      registry: this.registry,
      logger: this.logger,
      catalog: new EventCatalog(),
    }
    attachCatalog(this.bus, this.#services.catalog)
    this.#plugins = new PluginSet({
      services: this.#services,
      logger: this.logger,
      startTimeoutMs: (name) =>
        this.config.plugins[name]?.start_timeout_ms ?? options.startTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      stopTimeoutMs: options.stopTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      configure: (descriptor) => this.#configure(descriptor, this.#loaded),
      wanted: async (name) =>
        (await this.store.getPluginState(name))?.enabled ?? this.config.plugins[name]?.enabled ?? true,
    })
    registerHostMetrics(this.registry, () => this.#plugins.list())
    this.app = createPluginsApp((name) => this.#plugins.get(name)?.runtime)
  }

  /** The running configuration (snake_case keys, defaults filled in). */
  get config(): SwitchyardConfig {
    return this.#loaded.config
  }

  /** Serves a request to the plugins' routes (see `app`). */
  fetch = (request: Request): Response | Promise<Response> => this.app.fetch(request)

  /** Discovers, loads and starts every plugin; a plugin that cannot start fails alone. Resumes unfinished events. */
  start(): Promise<void> {
    return this.#exclusive(async () => {
      const candidates = await discoverPlugins({
        directories: [...this.config.plugin_directories, ...(this.#options.pluginDirectories ?? [])],
        cwd: this.#cwd(),
        ...(this.#options.appPackageJson === undefined
          ? {}
          : { appPackageJson: this.#options.appPackageJson }),
      })
      await this.#plugins.startAll(await this.#plugins.load(candidates))
      this.#warnRoutes()
      await this.bus.resume()
    })
  }

  /** Stops plugins in reverse start order (each within its deadline), then closes the bus if the host made it. */
  stop(): Promise<void> {
    return this.#exclusive(async () => {
      const running = this.#plugins.list().filter((record) => record.state === 'started')
      for (const record of running.reverse()) await this.#plugins.stop(record, 'stopped')
      if (this.#ownsBus) await this.bus.close()
    })
  }

  /** Status of every plugin, in discovery order. */
  status(): PluginStatus[] {
    return this.#plugins.list().map(toPluginStatus)
  }

  /** Status of one plugin; throws `PluginNotFoundError` (E_NOT_FOUND). */
  plugin(name: string): PluginStatus {
    return toPluginStatus(this.#record(name))
  }

  /** Enables a plugin (persisted), starts it, then the plugins its disabling had disabled. */
  enable(name: string): Promise<PluginStatus> {
    return this.#exclusive(async () => {
      const record = this.#record(name)
      record.enabled = true
      await this.#persist(name, true)
      if (record.state === 'failed' || record.state === 'disabled') {
        Object.assign(record, { state: record.descriptor ? 'loaded' : 'discovered', reason: undefined })
        if (record.descriptor === undefined) await this.#refresh(record)
        if (await this.#plugins.start(record)) await this.#plugins.unblock(name)
      }
      return toPluginStatus(record)
    })
  }

  /** Disables a plugin (persisted): its dependents first, then its handlers drain and its routes unmount. */
  disable(name: string): Promise<PluginStatus> {
    return this.#exclusive(async () => {
      const record = this.#record(name)
      record.enabled = false
      await this.#persist(name, false)
      await this.#plugins.disable(record, 'disabled')
      return toPluginStatus(record)
    })
  }

  /**
   * Imports the plugin's module again and swaps it in: deliveries to its handlers wait while the old version
   * finishes and stops, then reach the new one. If the new version cannot load or start, the old one keeps
   * running and the error is thrown (and kept in its status).
   */
  reload(name: string): Promise<PluginStatus> {
    return this.#exclusive(async () => {
      const record = this.#record(name)
      const descriptor = await this.#refresh(record)
      if (record.state !== 'started') {
        if (record.enabled && record.state !== 'disabled') await this.#plugins.start(record)
        return toPluginStatus(record)
      }
      const parsed = this.#configure(descriptor, this.#loaded)
      if (!parsed.ok) throw this.#keep(record, parsed.error)
      await this.#plugins.swap(record, { incoming: () => ({ descriptor, config: parsed.config }) })
      return toPluginStatus(record)
    })
  }

  /**
   * Replaces a plugin with the package at `path` (an upgrade in place) in one drained swap, the one `reload`
   * makes: deliveries to its handlers wait while in-flight ones finish and the old version stops; then
   * `steps.prepare` runs (the marketplace moves the new files into place), the new version is imported from
   * `path`, configured and started, and the waiting deliveries reach it. Published and enqueued events are
   * neither lost nor dead-lettered meanwhile. If any of that fails, `steps.revert` runs (the old files come
   * back), the old version starts again and receives the waiting deliveries, and the error is thrown. A plugin
   * that was not running is swapped the same way and started if it may run.
   *
   * @example
   * ```ts
   * await host.replacePlugin('audit-log', '.switchyard/plugins/@acme/audit-log', {
   *   prepare: () => moveNewFilesIn(),
   *   revert: () => putOldFilesBack(),
   * })
   * ```
   */
  replacePlugin(name: string, path: string, steps: ReplaceSteps = {}): Promise<PluginStatus> {
    return this.#exclusive(async () => {
      const record = this.#record(name)
      const incoming = async () => {
        await steps.prepare?.()
        const candidate = await this.#candidateAt(path)
        const descriptor = await importPlugin(candidate, { fresh: true })
        if (descriptor.name !== name)
          throw new PluginLoadError(`${candidate.entry} names itself "${descriptor.name}", not "${name}"`)
        const parsed = this.#configure(descriptor, this.#loaded)
        if (!parsed.ok) throw parsed.error
        return { descriptor, config: parsed.config, candidate }
      }
      await this.#plugins.swap(record, { incoming, revert: () => steps.revert?.() })
      if (record.state === 'started') await this.#plugins.unblock(name)
      return toPluginStatus(record)
    })
  }

  /**
   * Reads the configuration again (the file, or `input`) and applies it atomically: when the file or any
   * plugin's config is invalid, `ConfigError` is thrown and the running configuration stays. Otherwise routes,
   * handler selection, delivery-independent plugin flags and changed plugin configs (via a drained swap) apply.
   */
  reloadConfig(input?: SwitchyardConfigInput): Promise<SwitchyardConfig> {
    return this.#exclusive(async () => {
      const path = this.#options.configPath
      const next =
        input !== undefined
          ? validateConfig(input)
          : path !== undefined
            ? await loadConfig(path, { env: this.#options.env ?? process.env })
            : validateConfig(this.#options.config)
      const changes: { record: PluginRecord; config?: unknown }[] = []
      const issues = []
      for (const record of this.#plugins.list()) {
        if (record.descriptor === undefined) continue
        const parsed = this.#configure(record.descriptor, next)
        if (!parsed.ok) issues.push(...(parsed.error as ConfigError).issues)
        else changes.push({ record, config: parsed.config })
      }
      if (issues.length > 0) throw new ConfigError(issues)
      const settings = busSettings(next.config)
      this.bus.setDefaults(settings.defaults)
      this.bus.setRoutes(settings.routes)
      this.bus.setHandlerSelection(settings.handlerSelection)
      const previous = this.#loaded
      this.#loaded = next
      for (const { record, config } of changes) await this.#applyPluginConfig(record, config, previous.config)
      this.#warnRoutes()
      return next.config
    })
  }

  /**
   * Adds and starts a plugin installed at runtime (a package folder with `eventPlugin`, or a single file), then
   * the plugins that were disabled because one of that name was removed. On failure nothing stays registered
   * and the error is thrown.
   */
  addPlugin(path: string): Promise<PluginStatus> {
    return this.#exclusive(async () => {
      // fresh: an upgrade or a reinstall puts new code at a path Node has cached
      const [record] = await this.#plugins.load([await this.#candidateAt(path)], { fresh: true })
      if (record === undefined) throw new PluginLoadError(`no plugin at ${path}`)
      if (record.state !== 'failed') await this.#plugins.start(record)
      if (record.state === 'failed') {
        this.#plugins.delete(record.name)
        throw record.error
      }
      // An upgrade removes the old version (disabling its dependents) then adds the new: they start again.
      if (record.state === 'started') await this.#plugins.unblock(record.name)
      return toPluginStatus(record)
    })
  }

  /** Stops a plugin (its dependents are disabled first) and forgets it; with `forget`, its Store state and KV too. */
  removePlugin(name: string, options: { forget?: boolean } = {}): Promise<void> {
    return this.#exclusive(async () => {
      const record = this.#record(name)
      await this.#plugins.disable(record, 'removed')
      this.#plugins.delete(name)
      if (options.forget) await this.store.forgetPlugin(name)
    })
  }

  /** Imports a plugin without starting it and returns its descriptor: lets an installer check a package loads. */
  async inspectPlugin(path: string): Promise<PluginDescriptor> {
    return importPlugin(await this.#candidateAt(path), { fresh: true })
  }

  /** Health of the running plugins and `health.check` contributions; enabled plugins that failed degrade it. */
  health(): Promise<HealthReport> {
    const running = this.#plugins.list().flatMap((record) => (record.runtime ? [record.runtime] : []))
    const failed = Object.fromEntries(
      this.#plugins
        .list()
        .filter((record) => record.state === 'failed' && record.enabled)
        .map((record) => [record.name, record.reason ?? 'failed']),
    )
    return collectHealth(running, this.bus.extensions, failed)
  }

  /** Health of one plugin: its checks when running, `error` with the reason when failed, else its state. */
  async pluginHealth(name: string): Promise<HealthResult & { state: string }> {
    const record = this.#record(name)
    if (record.runtime) return { ...(await record.runtime.health()), state: record.state }
    const status = record.state === 'failed' ? 'error' : 'degraded'
    return { status, state: record.state, ...(record.reason ? { message: record.reason } : {}) }
  }

  /** Prometheus text: the host's and plugins' metrics and the `metrics.collect` contributions. */
  metrics(): Promise<string> {
    return renderMetrics(this.registry, this.bus.extensions)
  }

  /** The declared events of running plugins, as JSON Schema. */
  eventCatalog(): { events: CatalogEventJson[] } {
    return catalogJsonSchema(this.#services.catalog.entries())
  }

  /** Every extension point and its contributions. */
  extensionPoints(): ExtensionPointInfo[] {
    return this.bus.extensions.list()
  }

  // A route naming a handler no running plugin provides is never silently ignored (the server lists them too).
  #warnRoutes(): void {
    for (const warning of this.bus.routeWarnings())
      this.logger.warn({ warning }, 'route names an unknown handler')
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work)
    this.#queue = run.catch(() => undefined)
    return run
  }

  #record(name: string): PluginRecord {
    const record = this.#plugins.get(name)
    if (record === undefined) throw new PluginNotFoundError(name)
    return record
  }

  #cwd(): string {
    return this.#options.cwd ?? process.cwd()
  }

  async #persist(name: string, enabled: boolean): Promise<void> {
    await this.store.setPluginState(name, { enabled, updatedAt: new Date().toISOString() })
  }

  // A plugin's config is checked by its own schema; issues are placed under plugins.<name>.config in the file.
  #configure(descriptor: PluginDescriptor, loaded: LoadedConfig): ConfigureResult {
    const result = parsePluginConfig(descriptor, loaded.config.plugins[descriptor.name]?.config)
    if (result.ok) return result
    const prefix = ['plugins', descriptor.name, 'config']
    const issues = result.issues.map((issue) => toConfigIssue(issue, loaded.file, loaded.locate, prefix))
    return { ok: false, error: new ConfigError(issues, { cause: result.error }) }
  }

  async #refresh(record: PluginRecord): Promise<PluginDescriptor> {
    const descriptor = await importPlugin(record.candidate, { fresh: true }).catch((error: Error) => {
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

  async #applyPluginConfig(record: PluginRecord, config: unknown, previous: SwitchyardConfig): Promise<void> {
    const entry = this.config.plugins[record.name]
    const was = previous.plugins[record.name]
    const enabled = entry?.enabled ?? true
    if (enabled !== (was?.enabled ?? true)) {
      record.enabled = enabled
      await this.#persist(record.name, enabled)
      if (!enabled) return this.#plugins.disable(record, 'disabled by config')
      Object.assign(record, { state: 'loaded', reason: undefined })
      if (await this.#plugins.start(record)) await this.#plugins.unblock(record.name)
      return
    }
    const changed = JSON.stringify(entry?.config ?? {}) !== JSON.stringify(was?.config ?? {})
    if (changed && record.state === 'started' && record.descriptor) {
      const descriptor = record.descriptor
      await this.#plugins.swap(record, { incoming: () => ({ descriptor, config }) })
    }
  }

  async #candidateAt(path: string): Promise<PluginCandidate> {
    const absolute = resolve(this.#cwd(), path)
    if (['.js', '.mjs'].includes(extname(absolute)))
      return { dir: resolve(absolute, '..'), entry: absolute, source: 'file' }
    const candidate = await readPluginPackage(absolute, 'directory')
    if (candidate === undefined)
      throw new PluginLoadError(`${absolute} has no package.json with an eventPlugin field`)
    return candidate
  }
}
