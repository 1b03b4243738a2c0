import type {
  BatchHandler,
  BatchOptions,
  CollectResult,
  DeliveryReport,
  Event,
  EventInit,
  ExtensionKind,
  ExtensionPoint,
  Handler,
  HealthResult,
  KvEntry,
  Logger,
  SubscribeOptions,
} from '@switchyard/core'
import type { Hono } from 'hono'
import type { InferInput } from 'valibot'
import type { EventDeclaration, EventDeclarations } from './event-declaration.js'
import type { PluginDatabase } from './plugin-database.js'
import type { PluginMetrics } from './plugin-metrics-types.js'
import type { UsedPlugin } from './plugin-provides.js'
import type { PluginServices } from './plugin-services.js'

/**
 * How a handler receives events: its unique snake_case `name`, delivery policy overrides (defaults come from
 * the host's `delivery` config) and an optional `filter`.
 */
export type HandlerOptions<T = unknown> = Omit<SubscribeOptions<T>, 'owner'>

/** A subscribed handler. `unsubscribe` drains: no new deliveries, resolves once in-flight ones finished. */
export interface HandlerRegistration {
  readonly name: string
  unsubscribe(): Promise<void>
}

/** A plugin's own key-value namespace in the host's Store. Values are JSON-serialisable. */
export interface PluginStore {
  get<T = unknown>(key: string): Promise<T | undefined>
  set(key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>
  delete(key: string): Promise<boolean>
  list(options?: { prefix?: string; limit?: number }): Promise<KvEntry[]>
}

/**
 * A plugin's secrets (`ctx.secrets`): string values the host encrypts (AES-256-GCM) before they reach the Store,
 * so the SQLite file, its WAL and NATS KV never hold them in plaintext. Names are the plugin's own; another
 * plugin cannot read them. Every method is async with string arguments, so it works the same in an isolated
 * plugin.
 */
export interface PluginSecrets {
  /** The value, or undefined when none is set. Rejects when the stored value cannot be decrypted with the key. */
  get(name: string): Promise<string | undefined>
  set(name: string, value: string): Promise<void>
  /** Resolves to false when there was no such secret. */
  delete(name: string): Promise<boolean>
}

/** A health check of the plugin; a throw or rejection reads as `{ status: 'error' }`. */
export type HealthCheck = () => HealthResult | Promise<HealthResult>

/**
 * When a health check runs. With `intervalMs` it runs in the background on that interval (first at start) and
 * health answers its last result with its age; without, it runs on each health request. A run still going after
 * `timeoutMs` (5 s by default) reads as `error`.
 */
export interface HealthCheckOptions {
  intervalMs?: number
  timeoutMs?: number
}

/** An extension point the plugin defined, with a way to run its contributions. */
export interface OwnExtensionPoint<In, Result> extends ExtensionPoint<In, unknown> {
  /** filter: the value after every contribution; action: nothing; collect: each contribution's result. */
  run(value: In): Promise<Result>
}

/** What `defineExtensionPoint` takes. Names are `<owner>.<name>`. */
export interface ExtensionPointDefinition<K extends ExtensionKind> {
  name: string
  kind: K
  description?: string
}

type PublishedType<P> = string extends keyof P ? string : Extract<keyof P, string>
type PublishedData<P, K> = K extends keyof P
  ? P[K] extends EventDeclaration<infer S>
    ? InferInput<S>
    : unknown
  : unknown

/** When an event published with `ctx.publish` is delivered: one of `delayMs` (from now) or `deliverAt`. */
export type DelayedPublish =
  | { delayMs: number; deliverAt?: never }
  | { deliverAt: Date | string; delayMs?: never }

/**
 * What `setup(ctx)` receives. Methods needing a permission (`on`, `publish`, `routes`, `store`, `secrets`) throw
 * `PermissionError` when it was not declared.
 *
 * @example
 * ```ts
 * setup(ctx) {
 *   ctx.on('order.*', async (event) => ctx.logger.info(event.type), { name: 'order_logger' })
 *   ctx.routes.get('/status', (c) => c.json({ ok: true }))
 *   ctx.health(() => ({ status: 'ok' }))
 *   ctx.onStop(() => ctx.logger.info('bye'))
 * }
 * ```
 */
export interface PluginContext<
  TConfig = Readonly<Record<string, unknown>>,
  TPublishes extends EventDeclarations = EventDeclarations,
> {
  /** The plugin's name and version. */
  readonly plugin: { readonly name: string; readonly version: string }
  /** The plugin's config, parsed by its schema. */
  readonly config: TConfig
  /** Subscribes a named handler to a pattern (`*` one segment, `**` the rest). Needs `events:subscribe`. */
  on<T = unknown>(
    pattern: string,
    handler: BatchHandler<T>,
    options: HandlerOptions<T> & { batch: BatchOptions },
  ): HandlerRegistration
  on<T = unknown>(pattern: string, handler: Handler<T>, options: HandlerOptions<T>): HandlerRegistration
  /**
   * Publishes an event with this plugin as its source, to be delivered later: `delayMs` from now or at
   * `deliverAt` (a `Date` or RFC 3339). The event is kept durably (it survives a restart; on NATS any node delivers
   * it) and its deliveries are `scheduled` in the ledger until then. Resolves once accepted, to its id.
   * Needs `events:publish`.
   *
   * @example
   * ```ts
   * await ctx.publish('card.charge', { orderId }, { delayMs: 24 * 60 * 60 * 1000 })
   * ```
   */
  publish<K extends PublishedType<TPublishes>>(
    type: K,
    data: PublishedData<TPublishes, K>,
    init: EventInit & DelayedPublish,
  ): Promise<{ id: string }>
  /** Publishes an event with this plugin as its source; resolves once every handler finished. Needs `events:publish`. */
  publish<K extends PublishedType<TPublishes>>(
    type: K,
    data: PublishedData<TPublishes, K>,
    init?: EventInit,
  ): Promise<DeliveryReport>
  publish(event: Event): Promise<DeliveryReport>
  /** A Hono app mounted at `/plugins/<name>`. Needs `http:routes`. */
  readonly routes: Hono
  /** Adds a health check, reported by the host's aggregated health; `options.intervalMs` runs it in the background. */
  health(check: HealthCheck, options?: HealthCheckOptions): void
  /** Counters, gauges and histograms carrying a `plugin` label. */
  readonly metrics: PluginMetrics
  /** Contributes to an extension point (lowest priority number first); the returned function removes it. */
  extend<In = unknown, Out = unknown>(
    point: string | ExtensionPoint<In, Out>,
    fn: (value: In) => Out | Promise<Out>,
    options?: { priority?: number },
  ): () => void
  /** Offers an extension point of this plugin's own, for other plugins to contribute to. */
  defineExtensionPoint<In>(definition: ExtensionPointDefinition<'filter'>): OwnExtensionPoint<In, In>
  defineExtensionPoint<In>(definition: ExtensionPointDefinition<'action'>): OwnExtensionPoint<In, void>
  defineExtensionPoint<In, Out>(
    definition: ExtensionPointDefinition<'collect'>,
  ): OwnExtensionPoint<In, CollectResult<Out>[]>
  /** A child logger carrying `{ plugin: name }`. */
  readonly logger: Logger
  /** The service registry: register, unregister and discover services (`services:register`, `services:discover`). */
  readonly services: PluginServices
  /** This plugin's namespaced key-value store. Needs `store:kv`. */
  readonly store: PluginStore
  /** This plugin's own SQL database. `query` needs `database:read`; `execute` and `transaction` `database:write`. */
  readonly db: PluginDatabase
  /**
   * The functions another plugin `provides`, to call asynchronously; `name` must be in this plugin's
   * `dependencies` (or `optionalDependencies`). Type it with the provider's definition or API:
   * `ctx.use<typeof pricing>('pricing').quote(id)`. A call to a provider that is not running rejects at once
   * (`E_PROVIDER_UNAVAILABLE`), one to a function it does not provide with `E_UNKNOWN_EXPORT`.
   */
  use<P = Record<string, (...args: unknown[]) => unknown>>(name: string): UsedPlugin<P>
  /** This plugin's secrets, encrypted at rest. Needs `secrets:use`. */
  readonly secrets: PluginSecrets
  /** Runs at stop (and before a reload swaps versions), last registered first. */
  onStop(callback: () => void | Promise<void>): void
}
