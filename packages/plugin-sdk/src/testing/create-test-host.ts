import {
  createEvent,
  type DeliveryPolicy,
  type DeliveryReport,
  type Event,
  EventBus,
  type EventInit,
  type Logger,
  MemoryStore,
  NotFoundError,
  noopLogger,
  type Store,
} from '@switchyard/core'
import { Registry } from 'prom-client'
import { PluginDependencyError } from '../errors.js'
import type { PluginDescriptor } from '../plugin-definition.js'
import {
  attachCatalog,
  collectHealth,
  createPluginsApp,
  EventCatalog,
  type HealthReport,
  type PluginRoute,
  PluginRuntime,
  parsePluginConfig,
  type RuntimeServices,
  renderMetrics,
  resolveStartOrder,
  toPluginDescriptor,
} from '../runtime/index.js'

/** A plugin as a test passes it: a descriptor, a plugin class, or a factory returning a descriptor. */
export type PluginSource =
  | PluginDescriptor
  | (new () => object)
  | (() => PluginDescriptor | Promise<PluginDescriptor>)

/** Options of `createTestHost`. */
export interface TestHostOptions {
  plugins: readonly PluginSource[]
  /** Each plugin's config by plugin name (what `plugins.<name>.config` holds in the host's file). */
  config?: Readonly<Record<string, unknown>>
  /** Delivery defaults of the bus, e.g. `{ retry: { attempts: 1 } }` to fail fast. */
  delivery?: Partial<DeliveryPolicy>
  /** A Store other than a fresh MemoryStore. */
  store?: Store
  logger?: Logger
  /** Deadline of each plugin's setup; 5 s by default. */
  startTimeoutMs?: number
}

/** A running set of plugins on a real bus, for plugin authors' tests. */
export interface TestHost {
  /** Publishes an event (from its type and data, or as given); resolves once every handler finished. */
  publish<T>(type: string, data: T, init?: EventInit): Promise<DeliveryReport>
  publish(event: Event): Promise<DeliveryReport>
  /** Sends a request to the plugins' routes (`/plugins/<name>/...`); a relative path gets `http://localhost`. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** Every event published since the start, the plugins' own included, in publish order. */
  readonly events: readonly Event[]
  /** Aggregated health of the plugins and `health.check` contributions. */
  health(): Promise<HealthReport>
  /** Prometheus text of the plugins' metrics. */
  metrics(): Promise<string>
  /** Handlers and routes of one plugin. */
  plugin(name: string): { handlers: string[]; routes: PluginRoute[]; config: unknown }
  readonly bus: EventBus
  readonly store: Store
  /** Stops the plugins in reverse order (running `onStop`), then closes the bus. */
  stop(): Promise<void>
}

/**
 * Starts real plugins on a real `EventBus` over a `MemoryStore`, in dependency order, and throws the first
 * failure (invalid config, setup error, unmet dependency) so a test sees it.
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
  const store = options.store ?? new MemoryStore()
  const logger = options.logger ?? noopLogger
  const bus = new EventBus({ store, logger, ...(options.delivery ? { defaults: options.delivery } : {}) })
  const services: RuntimeServices = {
    bus,
    store,
    registry: new Registry(),
    logger,
    catalog: new EventCatalog(),
  }
  attachCatalog(bus, services.catalog)
  const events: Event[] = []
  bus.observe({ published: (event) => void events.push(event) })

  const descriptors = await Promise.all(
    options.plugins.map((plugin, i) => toPluginDescriptor({ default: plugin }, `plugins[${i}]`)),
  )
  const { order, failures } = resolveStartOrder(descriptors)
  const [failure] = failures.values()
  if (failure !== undefined) throw new PluginDependencyError(failure.chain, failure.reason)
  const byName = new Map(descriptors.map((descriptor) => [descriptor.name, descriptor]))
  const runtimes = new Map<string, PluginRuntime>()
  const stop = async () => {
    for (const runtime of [...runtimes.values()].reverse()) await runtime.stop(options.startTimeoutMs ?? 5000)
    runtimes.clear()
    await bus.close()
  }
  try {
    for (const name of order) {
      const descriptor = byName.get(name) as PluginDescriptor
      const parsed = parsePluginConfig(descriptor, options.config?.[name])
      if (!parsed.ok) throw parsed.error
      const runtime = new PluginRuntime(descriptor, parsed.config, services)
      await runtime.start(options.startTimeoutMs ?? 5000)
      runtimes.set(name, runtime)
    }
  } catch (error) {
    await stop()
    throw error
  }
  const app = createPluginsApp((name) => runtimes.get(name))

  return {
    publish: (typeOrEvent: string | Event, data?: unknown, init?: EventInit) =>
      bus.publish(typeof typeOrEvent === 'string' ? createEvent(typeOrEvent, data, init) : typeOrEvent),
    request: async (path, init) => app.request(path, init),
    events,
    health: () => collectHealth(runtimes.values(), bus.extensions),
    metrics: () => renderMetrics(services.registry, bus.extensions),
    plugin(name) {
      const runtime = runtimes.get(name)
      if (runtime === undefined) throw new NotFoundError(`running plugin "${name}"`)
      return { handlers: runtime.handlers(), routes: runtime.routes(), config: runtime.config }
    },
    bus,
    store,
    stop,
  }
}
