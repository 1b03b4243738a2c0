import {
  createEvent,
  type DeliveryPolicyOverrides,
  type DeliveryReport,
  type Event,
  type EventBus,
  type EventInit,
  type Logger,
  type PluginDatabases,
  type Store,
} from '@switchyard/core'
import {
  type HealthReport,
  type IsolationMode,
  installFaultGuard,
  PluginHost,
  type PluginSource,
  type PluginStatus,
} from '@switchyard/host'
import { SqlitePluginDatabases } from '@switchyard/store-sqlite'
import { toDeliveryConfig } from './to-delivery-config.js'

/** Options of `createTestHost`. */
export interface TestHostOptions {
  /**
   * The plugins under test and the plugins they need: descriptors, plugin classes or factories, or
   * `{ module: '/abs/path.js' }` for a plugin file (the form `isolation` needs).
   */
  plugins: readonly PluginSource[]
  /**
   * Runs every plugin as the server would with `plugin_defaults.isolation` set to this: `worker` (a worker
   * thread) or `process` (a child process under Node's permission model); `none` (default) in the test's own
   * thread. A sandbox imports its plugin from a file, so isolated plugins must be given as `{ module: path }`
   * (of the built file); one given as an object fails with E_ISOLATION.
   */
  isolation?: IsolationMode
  /** Each plugin's config by plugin name (what `plugins.<name>.config` holds in the server's file). */
  config?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** Delivery defaults (the server's `delivery` config), e.g. `{ retry: { attempts: 1 } }` to fail fast. */
  delivery?: DeliveryPolicyOverrides
  /** A Store other than a fresh MemoryStore. */
  store?: Store
  /**
   * Where `ctx.db` keeps the plugins' tables: one in-memory SQLite database per plugin by default (fresh per test
   * host); e.g. `new SqlitePluginDatabases({ directory })` to keep them in files across hosts.
   */
  databases?: PluginDatabases
  logger?: Logger
  /** Deadline of each plugin's setup and stop; 5 s by default. */
  startTimeoutMs?: number
  /**
   * True (default): the host's fault guard runs while the host does, so a plugin's unhandled rejection, throw in
   * a timer or `process.exit` call is charged to it as in the server: the delivery it happened in fails with
   * `E_PLUGIN_FAULT` / `E_PLUGIN_EXIT`, it is listed in `faults`, and `stop()` rejects with the first one.
   * False: no guard; such faults reach the test runner as they are.
   */
  failOnFault?: boolean
}

/** Plugins running on the real plugin host, for plugin authors' tests. */
export interface TestHost {
  /** Publishes an event (from its type and data, or as given); resolves once every handler finished. */
  publish<T>(type: string, data: T, init?: EventInit): Promise<DeliveryReport>
  publish(event: Event): Promise<DeliveryReport>
  /** Sends a request to the plugins' routes (`/plugins/<name>/...`); a relative path gets `http://localhost`. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** Every event published since the start, the plugins' own included, in publish order. */
  readonly events: readonly Event[]
  /** The faults charged to the plugins so far (`PluginFaultError`, `PluginExitError`), in order. */
  readonly faults: readonly Error[]
  /** Aggregated health of the plugins and `health.check` contributions. */
  health(): Promise<HealthReport>
  /** Prometheus text of the host's and plugins' metrics. */
  metrics(): Promise<string>
  /** One plugin's status (state, handlers, routes, …) and its parsed config. */
  plugin(name: string): PluginStatus & { config: unknown }
  /** The host itself: enable, disable, reload, status — what the server's management API calls. */
  readonly host: PluginHost
  readonly bus: EventBus
  readonly store: Store
  /**
   * Stops the plugins in reverse start order (running `onStop`), then closes the bus; then rejects with the
   * first plugin fault, if any (unless `failOnFault: false`).
   */
  stop(): Promise<void>
}

const DEFAULT_TIMEOUT_MS = 5000

/**
 * Starts plugins on the same `PluginHost` the server runs (memory store unless `store` is given, no plugin
 * directories), in dependency order, and throws the first plugin's failure (invalid config, setup error, unmet
 * dependency) so a test sees it. A plugin behaves here exactly as in the server, faults included: an unhandled
 * rejection or a throw in a timer fails the delivery it happened in and makes `stop()` reject.
 *
 * @example
 * ```ts
 * const host = await createTestHost({ plugins: [plugin], config: { 'order-notifications': { channel: 'log' } } })
 * const report = await host.publish('order.status_changed', { status: 'shipped' })
 * const res = await host.request('/plugins/order-notifications/status')
 * await host.stop()
 * ```
 */
export async function createTestHost(options: TestHostOptions): Promise<TestHost> {
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_TIMEOUT_MS
  const faults: Error[] = []
  const host = new PluginHost({
    config: {
      plugin_directories: [],
      // The store is `options.store`; this keeps isolated plugins' data folders out of the project (tmpdir).
      storage: { driver: 'memory' },
      plugins: Object.fromEntries(
        Object.entries(options.config ?? {}).map(([name, config]) => [name, { config }]),
      ),
      ...(options.delivery === undefined ? {} : { delivery: toDeliveryConfig(options.delivery) }),
      ...(options.isolation === undefined ? {} : { plugin_defaults: { isolation: options.isolation } }),
    },
    plugins: options.plugins,
    appPackageJson: false,
    startTimeoutMs: timeoutMs,
    stopTimeoutMs: timeoutMs,
    ...(options.store === undefined ? {} : { store: options.store }),
    databases: options.databases ?? new SqlitePluginDatabases({ memory: true }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    onFault: (_plugin, fault) => void faults.push(fault),
  })
  // A fault outside every plugin is the test's own: the test runner reports it.
  const removeGuard =
    options.failOnFault === false ? () => undefined : installFaultGuard({ unowned: 'ignore' })
  const stop = async () => {
    try {
      await host.stop()
    } finally {
      removeGuard()
    }
  }
  const events: Event[] = []
  host.bus.observe({ published: (event) => void events.push(event) })
  await host.start().catch(async (error: unknown) => {
    removeGuard()
    throw error
  })
  const failed = host.status().find((status) => status.state === 'failed')
  if (failed !== undefined) {
    await stop()
    throw host.failure(failed.name) ?? new Error(failed.reason)
  }

  return {
    publish: (typeOrEvent: string | Event, data?: unknown, init?: EventInit) =>
      host.bus.publish(typeof typeOrEvent === 'string' ? createEvent(typeOrEvent, data, init) : typeOrEvent),
    request: async (path, init) => host.app.request(path, init),
    events,
    faults,
    health: () => host.health(),
    metrics: () => host.metrics(),
    plugin: (name) => ({ ...host.plugin(name), config: host.pluginConfig(name) }),
    host,
    bus: host.bus,
    store: host.store,
    stop: async () => {
      await stop()
      const [first] = faults
      if (first !== undefined && options.failOnFault !== false) throw first
    },
  }
}
