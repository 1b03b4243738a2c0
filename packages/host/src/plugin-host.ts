import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  EventBus,
  type ExtensionPointInfo,
  type Logger,
  MemoryStore,
  noopLogger,
  type Store,
} from '@switchyard/core'
import type { PluginDescriptor } from '@switchyard/plugin-sdk'
import type { Hono } from 'hono'
import { Registry } from 'prom-client'
import { attachCatalog } from './catalog/attach-catalog.js'
import { type CatalogEventJson, catalogJsonSchema } from './catalog/catalog-json-schema.js'
import { configJsonSchema } from './catalog/config-json-schema.js'
import { EventCatalog } from './catalog/event-catalog.js'
import { busSettings } from './config/bus-settings.js'
import { applyBusSettings, pluginConfigChanges } from './config/config-changes.js'
import type { SwitchyardConfig, SwitchyardConfigInput } from './config/config-schema.js'
import { type ConfigureContext, configurePlugin } from './config/configure-plugin.js'
import { type LoadedConfig, loadConfig, parseConfig, validateConfig } from './config/load-config.js'
import type { RuntimeServices } from './context/runtime-services.js'
import { PluginDatabaseHub } from './database/plugin-database-hub.js'
import { candidateAt } from './discovery/candidate-at.js'
import { discoverPlugins } from './discovery/discover-plugins.js'
import { inlineCandidates } from './discovery/inline-candidates.js'
import { PluginNotFoundError, PluginRunningError } from './errors.js'
import { faultLimitOf } from './faults/fault-limit-of.js'
import { PluginFaults } from './faults/plugin-faults.js'
import type { HealthReport } from './health/collect-health.js'
import { hostHealth, type PluginHealth, pluginHealth } from './health/host-health.js'
import type { HostOptions, ReplaceSteps } from './host-options.js'
import { createPluginsApp } from './http/create-plugins-app.js'
import { checkIsolationSupport } from './isolation/check-isolation-support.js'
import { createIsolator } from './isolation/create-isolator.js'
import { isolationOf } from './isolation/isolation-settings.js'
import { SandboxedPlugin } from './isolation/sandboxed-plugin.js'
import { PluginControl } from './lifecycle/plugin-control.js'
import { type PluginStatus, toPluginStatus } from './lifecycle/plugin-record.js'
import { type RescanResult, rescanPlugins } from './lifecycle/plugin-rescan.js'
import { type ConfigureResult, PluginSet } from './lifecycle/plugin-set.js'
import { registerHostMetrics } from './metrics/host-metrics.js'
import { renderMetrics } from './metrics/render-metrics.js'
import { ProviderRegistry } from './providers/provider-registry.js'
import { CronSchedules } from './schedules/cron-schedules.js'
import { loadSecretKey } from './secrets/load-secret-key.js'
import { redactConfig, secretStrings } from './secrets/redact-config.js'
import { redactingLogger, SecretStrings } from './secrets/redacting-logger.js'
import { SecretVault } from './secrets/secret-vault.js'
import { ServiceRegistry } from './services/service-registry.js'

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000

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
  /** The service registry plugins reach as `ctx.services` (cluster-wide on the NATS store). */
  readonly services: ServiceRegistry
  /** The config's `schedules:`, publishing their events on each tick once the host started. */
  readonly schedules: CronSchedules
  #options: HostOptions
  #loaded: LoadedConfig
  #ownsBus: boolean
  #services: RuntimeServices
  #plugins: PluginSet
  #control: PluginControl
  #queue: Promise<unknown> = Promise.resolve()
  #secretStrings = new SecretStrings()
  /** The plugin directories scanned last (absolute): a rescan removes plugins of directories no longer listed. */
  #scanned: string[] = []

  constructor(options: HostOptions = {}) {
    this.#options = options
    this.#loaded = options.configPath
      ? parseConfig(readFileSync(options.configPath, 'utf8'), {
          file: options.configPath,
          env: options.env ?? process.env,
        })
      : validateConfig(options.config)
    checkIsolationSupport(this.#loaded)
    // Every line the host, the bus and the plugins log goes through it: `secret()` config values never reach a log.
    this.logger = redactingLogger(options.logger ?? noopLogger, this.#secretStrings)
    this.#ownsBus = options.bus === undefined
    this.bus =
      options.bus ??
      new EventBus({
        ...busSettings(this.#loaded.config),
        store: options.store ?? new MemoryStore(),
        ...(options.transport === undefined ? {} : { transport: options.transport }),
        ...(options.tracer === undefined ? {} : { tracer: options.tracer }),
        logger: this.logger,
      })
    this.store = this.bus.store
    this.registry = options.registry ?? new Registry()
    this.services = new ServiceRegistry({
      store: this.store,
      extensions: this.bus.extensions,
      logger: this.logger,
      leaseMs: this.#loaded.config.services.lease_ms,
    })
    this.#services = {
      bus: this.bus,
      store: this.store,
      registry: this.registry,
      logger: this.logger,
      catalog: new EventCatalog(),
      faults: new PluginFaults({
        registry: this.registry,
        logger: this.logger,
        limit: (name) => faultLimitOf(this.config, name, options.faultLimit),
        counted: (name, fault) => this.#counted(name, fault),
        exceeded: (name, error) => this.#exceeded(name, error),
      }),
      databases: new PluginDatabaseHub(options.databases, this.logger),
      transactionTimeoutMs: options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
      providers: new ProviderRegistry((name) => this.#providerState(name)),
      services: this.services,
      secrets: new SecretVault(this.store),
    }
    attachCatalog(this.bus, this.#services.catalog)
    this.schedules = new CronSchedules({ bus: this.bus, store: this.store, logger: this.logger })
    this.schedules.set(this.#loaded.config.schedules)
    this.#plugins = new PluginSet({
      services: this.#services,
      logger: this.logger,
      startTimeoutMs: (name) => this.#startTimeoutMs(name),
      stopTimeoutMs: options.stopTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      configure: (descriptor) => this.#configure(descriptor),
      wanted: async (name) =>
        (await this.store.getPluginState(name))?.enabled ?? this.config.plugins[name]?.enabled ?? true,
      isolator: createIsolator({
        config: () => this.config,
        cwd: this.#cwd(),
        registry: this.registry,
        logger: this.logger,
        env: options.env ?? process.env,
        failed: (name, error) => this.#exceeded(name, error),
      }),
      isolated: (record) =>
        SandboxedPlugin.of(record.descriptor) !== undefined ||
        (record.candidate.module === undefined &&
          isolationOf(this.config, record.name, record.candidate, this.#cwd()).mode !== 'none'),
    })
    this.#control = new PluginControl({
      plugins: this.#plugins,
      store: this.store,
      loaded: () => this.#loaded,
      configure: (descriptor) => this.#configure(descriptor),
      cwd: this.#cwd(),
      logger: this.logger,
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
      this.#scanned = this.#configuredDirectories()
      // Before any plugin: a wrong or malformed secret key stops the start here (E_SECRET_KEY).
      const { env = process.env, secretKeyFile: keyFile } = this.#options
      const owner = this.store
      await this.#services.secrets.open(await loadSecretKey({ env, keyFile, owner, logger: this.logger }))
      const candidates = await discoverPlugins({
        directories: [...this.config.plugin_directories, ...(this.#options.pluginDirectories ?? [])],
        cwd: this.#cwd(),
        ...(this.#options.appPackageJson === undefined
          ? {}
          : { appPackageJson: this.#options.appPackageJson }),
      })
      const inline = inlineCandidates(this.#options.plugins ?? [], this.#cwd())
      await this.#plugins.startAll(await this.#plugins.load([...candidates, ...inline]))
      this.#warnRoutes()
      await this.bus.resume()
      this.schedules.start()
    })
  }

  /** Stops plugins, dependents before their dependencies (each within its deadline), then closes the bus if the host made it. */
  stop(): Promise<void> {
    return this.#exclusive(async () => {
      await this.schedules.stop()
      await this.#plugins.stopAll()
      await this.#services.databases.close()
      this.services.close()
      if (this.#ownsBus) await this.bus.close()
    })
  }

  /** Status of every plugin, in discovery order. */
  status(): PluginStatus[] {
    return this.#plugins.list().map(toPluginStatus)
  }

  /** Status of one plugin; throws `PluginNotFoundError` (E_NOT_FOUND). */
  plugin(name: string): PluginStatus {
    return toPluginStatus(this.#control.record(name))
  }

  /** The parsed config a running plugin got as `ctx.config`; undefined when it is not running. */
  pluginConfig(name: string): unknown {
    return this.#control.record(name).runtime?.config
  }

  /**
   * What a running plugin's config is, as the API may show it: the fields its schema marks `secret()` read
   * `[redacted]`. Undefined when it is not running; throws `PluginNotFoundError` (E_NOT_FOUND).
   */
  effectiveConfig(name: string): unknown {
    const record = this.#control.record(name)
    return record.runtime === undefined
      ? undefined
      : redactConfig(record.descriptor?.config, record.runtime.config)
  }

  /**
   * The error behind a plugin's `failed` state, or behind its last refused reload, as thrown (`status()` carries
   * its code and message); undefined when there is none.
   */
  failure(name: string): Error | undefined {
    return this.#control.record(name).error
  }

  /** Enables a plugin (persisted), starts it, then the plugins its disabling had disabled. */
  enable(name: string): Promise<PluginStatus> {
    return this.#exclusive(() => this.#control.enable(name))
  }

  /** Disables a plugin (persisted): its dependents first, then its handlers drain and its routes unmount. */
  disable(name: string): Promise<PluginStatus> {
    return this.#exclusive(() => this.#control.disable(name))
  }

  /**
   * Imports the plugin's module again and swaps it in: deliveries to its handlers wait while the old version
   * finishes and stops, then reach the new one. If the new version cannot load or start, the old one keeps
   * running and the error is thrown (and kept in its status).
   */
  reload(name: string): Promise<PluginStatus> {
    return this.#exclusive(() => this.#control.reload(name))
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
    return this.#exclusive(() => this.#control.replace(name, path, steps))
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
      checkIsolationSupport(next)
      const changes = await pluginConfigChanges(this.#plugins.list(), next, (descriptor) =>
        this.#configureContext(descriptor),
      )
      applyBusSettings(this.bus, next.config)
      this.schedules.set(next.config.schedules)
      const previous = this.#loaded.config
      this.#loaded = next
      for (const { record, config } of changes)
        this.#secretStrings.add(secretStrings(record.descriptor?.config, config))
      for (const { record, config } of changes) await this.#control.applyConfig(record, config, previous)
      // A sandbox that parsed the config of a plugin left stopped (disabled, failed) has no start to serve.
      for (const record of this.#plugins.list())
        if (record.state !== 'started') SandboxedPlugin.of(record.descriptor)?.release()
      this.#warnRoutes()
      return next.config
    })
  }

  /**
   * Scans the configured `plugin_directories` again: plugins found there that the host does not know yet are
   * loaded and started (dependencies first; one that cannot start is listed as failed), and plugins that came
   * from them whose package or file is gone (or whose directory is no longer configured) stop after draining
   * their deliveries and are forgotten. Plugins from elsewhere (the marketplace, the app's dependencies, inline)
   * are left alone. Resolves to the names added and removed.
   *
   * @example
   * ```ts
   * await host.reloadConfig()
   * const { added, removed } = await host.rescan()
   * ```
   */
  rescan(): Promise<RescanResult> {
    return this.#exclusive(async () => {
      const directories = this.#configuredDirectories()
      const result = await rescanPlugins({
        plugins: this.#plugins,
        directories,
        previous: this.#scanned,
        remove: (name) => this.#control.remove(name, false),
      })
      this.#scanned = directories
      if (result.added.length > 0 || result.removed.length > 0) {
        this.logger.info(result, 'plugin directories rescanned')
        this.#warnRoutes()
      }
      return result
    })
  }

  /**
   * Adds and starts a plugin installed at runtime (a package folder with `eventPlugin`, or a single file), then
   * the plugins that were disabled because one of that name was removed. On failure nothing stays registered
   * and the error is thrown.
   */
  addPlugin(path: string): Promise<PluginStatus> {
    return this.#exclusive(() => this.#control.add(path))
  }

  /**
   * Stops a plugin (its dependents are disabled first) and forgets it, closing its SQL database (its data stays);
   * with `forget`, its Store state, KV and secrets too.
   */
  removePlugin(name: string, options: { forget?: boolean } = {}): Promise<void> {
    return this.#exclusive(async () => {
      await this.#control.remove(name, options.forget ?? false)
      await this.#services.databases.release(name)
      if (options.forget) await this.#services.secrets.forget(name)
    })
  }

  /**
   * Deletes a plugin's SQL database (`ctx.db`): its SQLite file, or its PostgreSQL schema and role. The plugin must
   * not be running (remove it first); the marketplace's uninstall with `purge=true` calls this.
   */
  purgePluginData(name: string): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#plugins.get(name)?.state === 'started') throw new PluginRunningError(name)
      await this.#services.databases.purge(name)
    })
  }

  /**
   * Loads a plugin without starting it and returns its descriptor: lets an installer check a staged package
   * loads. It is loaded as a marketplace install: in a sandbox when `marketplace.isolation` (or what applies to
   * its name) isolates it, so nothing of it runs in the host.
   */
  async inspectPlugin(path: string): Promise<PluginDescriptor> {
    return this.#plugins.read(await candidateAt(path, this.#cwd()), { fresh: true, installed: true })
  }

  /** Health of the running plugins and `health.check` contributions; enabled plugins that failed degrade it. */
  health(): Promise<HealthReport> {
    return hostHealth(this.#plugins.list(), this.bus.extensions)
  }

  /** Health of one plugin: its checks when running, `error` with the reason when failed, else its state. */
  pluginHealth(name: string): Promise<PluginHealth> {
    return pluginHealth(this.#control.record(name))
  }

  /** Prometheus text: the host's and plugins' metrics and the `metrics.collect` contributions. */
  metrics(): Promise<string> {
    return renderMetrics(this.registry, this.bus.extensions)
  }

  /**
   * A loaded plugin's configuration schema as JSON Schema, with defaults and descriptions; throws
   * `PluginNotFoundError` (E_NOT_FOUND) for an unknown plugin or one that did not load.
   */
  pluginConfigSchema(name: string): { plugin: string; schema: Record<string, unknown> } {
    const { descriptor } = this.#control.record(name)
    if (descriptor === undefined) throw new PluginNotFoundError(name)
    return { plugin: name, schema: configJsonSchema(descriptor) }
  }

  /** The declared events of running plugins, as JSON Schema. */
  eventCatalog(): { events: CatalogEventJson[] } {
    return catalogJsonSchema(this.#services.catalog.entries())
  }

  /** Every extension point and its contributions. */
  extensionPoints(): ExtensionPointInfo[] {
    return this.bus.extensions.list()
  }

  #counted(name: string, fault: Error): void {
    const record = this.#plugins.get(name)
    if (record !== undefined) Object.assign(record, { faults: record.faults + 1, lastFault: fault.message })
    this.#options.onFault?.(name, fault)
  }

  // Past its fault limit a plugin stops as failed, after the management call in progress (if any).
  #exceeded(name: string, error: Error): void {
    const record = this.#plugins.get(name)
    if (record === undefined) return
    this.#exclusive(() => this.#plugins.failRunning(record, error)).catch((failure: unknown) =>
      this.logger.error({ plugin: name, err: failure }, 'could not stop a plugin past its fault limit'),
    )
  }

  // A route naming a handler no running plugin provides is never silently ignored (the server lists them too).
  #warnRoutes(): void {
    for (const warning of this.bus.routeWarnings())
      this.logger.warn({ warning }, 'route names an unknown handler')
  }

  // A plugin's config goes through the `config.load` contributions of running plugins, then its schema.
  // Its secret values are known to the log before its setup can log them.
  async #configure(descriptor: PluginDescriptor): Promise<ConfigureResult> {
    const result = await configurePlugin(descriptor, this.#loaded, this.#configureContext(descriptor))
    if (result.ok) this.#secretStrings.add(secretStrings(descriptor.config, result.config))
    return result
  }

  // Each config.load contribution may take as long as the configured plugin may take to start.
  // A sandboxed plugin's schema parses in its sandbox (see SandboxedPlugin.parseConfig).
  #configureContext(descriptor: PluginDescriptor): ConfigureContext {
    const context = { extensions: this.bus.extensions, timeoutMs: this.#startTimeoutMs(descriptor.name) }
    const sandboxed = SandboxedPlugin.of(descriptor)
    return sandboxed === undefined ? context : { ...context, parse: (raw) => sandboxed.parseConfig(raw) }
  }

  // Why a provider cannot be called, in words: the state of a plugin that is not running.
  #providerState(name: string): string {
    const state = this.#plugins.get(name)?.state
    if (state === undefined) return 'not installed'
    return state === 'started' ? 'reloading' : state
  }

  #startTimeoutMs(name: string): number {
    return this.config.plugins[name]?.start_timeout_ms ?? this.#options.startTimeoutMs ?? DEFAULT_TIMEOUT_MS
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work)
    this.#queue = run.catch(() => undefined)
    return run
  }

  #configuredDirectories(): string[] {
    return this.config.plugin_directories.map((directory) => resolve(this.#cwd(), directory))
  }

  #cwd(): string {
    return this.#options.cwd ?? process.cwd()
  }
}
