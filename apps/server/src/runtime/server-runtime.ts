import type { EventBus, ServiceQuery, ServiceRecord, Store } from '@switchyard/core'
import type { HealthReport, PluginStatus, ScheduleInfo } from '@switchyard/host'
import type { ProgressListener } from '@switchyard/marketplace'
import type { EventLoopSample } from '../health/event-loop-monitor.js'
import type { ReadinessReport } from '../health/readiness.js'

/** The server's health: the host's report and the event loop's recent delay. */
export type ServerHealth = HealthReport & { eventLoop: EventLoopSample }

/** The marketplace operations, when the marketplace is configured. */
export interface MarketplaceApi {
  list(): Promise<unknown>
  /** `onProgress` hears each step (resolve, download with bytes, verify, extract, dependencies, load, swap). */
  install(
    request:
      | { name: string; version?: string }
      | { download_url: string; checksum_sha256?: string; signature?: string; key_id?: string },
    options?: { onProgress?: ProgressListener },
  ): Promise<unknown>
  /**
   * To the newest version matching `version` (a range or dist-tag; `latest` by default), rolled back on failure;
   * `force` accepts a version signed by another key than the installed one's; `onProgress` as for `install`.
   */
  upgrade(
    name: string,
    version?: string,
    options?: { force?: boolean; onProgress?: ProgressListener },
  ): Promise<unknown>
  /** Refused while other plugins depend on it, unless `force`. */
  uninstall(name: string, options?: { force?: boolean; purge?: boolean }): Promise<unknown>
}

/**
 * Everything the HTTP layer needs from the running platform: the bus and store, plugin management from the
 * host, the marketplace. `startServer` builds it from `@switchyard/host`; tests may build one by hand.
 *
 * @example
 * ```ts
 * const app = createApp({ runtime, auth, version: '0.1.0' })
 * ```
 */
export interface ServerRuntime {
  readonly bus: Pick<
    EventBus,
    'enqueue' | 'explain' | 'observe' | 'replayDeadLetter' | 'replayHandler' | 'extensions' | 'limits'
  >
  readonly store: Pick<
    Store,
    | 'deliveries'
    | 'listEvents'
    | 'listDeadLetters'
    | 'getDeadLetter'
    | 'deleteDeadLetter'
    | 'addAuditRecord'
    | 'listAuditRecords'
    | 'purgeAuditRecords'
  >
  /** Every known plugin with its state; marketplace-installed ones with their `signer` (key id or `unsigned`). */
  plugins(): (PluginStatus & { signer?: string })[]
  /** One plugin's health checks; throws `E_NOT_FOUND` for an unknown plugin. */
  pluginHealth(name: string): Promise<unknown>
  /** Plugins' own metrics as JSON (`GET /plugins/metrics`). */
  pluginMetrics(): Promise<unknown>
  /** Prometheus text of everything: server, host and plugin metrics, `metrics.collect` contributions. */
  metricsText(): Promise<string>
  enable(name: string): Promise<unknown>
  disable(name: string): Promise<unknown>
  reload(name: string): Promise<unknown>
  /**
   * Loads one plugin folder (or single-file plugin) at `path` as plugin `name`: a plugin the server does not know
   * is added and started; a known one is reloaded (from `path` when it moved there). Throws `E_PLUGIN_LOAD` when
   * the module at `path` names itself otherwise or cannot load.
   */
  loadPlugin(name: string, path: string | undefined): Promise<unknown>
  /**
   * Re-reads the configuration file and applies it, the `marketplace:` section included, then rescans
   * `plugin_directories` (new plugins start, removed ones stop after draining); an invalid file throws `E_CONFIG`
   * and changes nothing.
   */
  reloadConfig(): Promise<unknown>
  /** The config a running plugin runs with, `secret()` fields redacted: `{ plugin, config }` (null when stopped). */
  pluginConfig(name: string): unknown
  /** A plugin's configuration schema as JSON Schema; throws `E_NOT_FOUND` for an unknown plugin. */
  pluginConfigSchema(name: string): unknown
  /** The configuration in force, secrets redacted (see `redactConfig`). */
  effectiveConfig(): unknown
  /** Declared event schemas as JSON Schema. */
  catalog(): unknown
  /** The service registry's answer to a discovery query (`GET /api/v1/services`). */
  services(query: ServiceQuery): Promise<ServiceRecord[]>
  /** The config's cron schedules with their next and last runs (`GET /api/v1/schedules`). */
  schedules(): Promise<ScheduleInfo[]>
  /** The host's health report with the event loop's figures; a stalled loop makes it at least `degraded`. */
  health(): Promise<ServerHealth>
  /** Whether the platform takes events now, with the reasons when it does not (see `Readiness`). */
  readiness(): Promise<ReadinessReport>
  /** Answers a request for `/plugins/<name>/...` with that plugin's routes. */
  pluginFetch(request: Request): Response | Promise<Response>
  /** Null when `marketplace.enabled` is false (read on each request: a reload may switch it). */
  readonly marketplace: MarketplaceApi | null
}
