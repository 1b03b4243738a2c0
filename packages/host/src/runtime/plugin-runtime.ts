import type { HealthResult } from '@switchyard/core'
import {
  type PluginContext,
  type PluginDescriptor,
  PluginMigrationError,
  PluginSetupError,
  PluginTimeoutError,
  type Provides,
} from '@switchyard/plugin-sdk'
import { createPluginContext, type PluginRegistrations } from '../context/create-plugin-context.js'
import type { RuntimeServices } from '../context/runtime-services.js'
import { type PluginScope, pluginScope } from '../faults/plugin-scope.js'
import type { ScheduledCheckReport } from '../health/health-sample.js'
import { PluginHealthChecks } from '../health/plugin-health-checks.js'
import { inProcessProvider, type Provider } from '../providers/provider.js'
import type { IsolationStatus, PluginEngine } from './plugin-engine.js'
import { withDeadline } from './with-deadline.js'

/** One HTTP route of a plugin, with its full mounted path. */
export interface PluginRoute {
  method: string
  path: string
}

/**
 * One started instance of a plugin: runs `setup` with a deadline, keeps what the plugin registered, serves its
 * routes and health, and undoes everything at `stop` (handlers drained, contributions removed, `onStop`
 * callbacks run last-first, then the plugin's own `stop`). A reload makes a new runtime for the new version.
 * Every call into the plugin's code runs in its `pluginScope`, so faults it leaves behind are charged to it.
 *
 * @example
 * ```ts
 * const runtime = new PluginRuntime(plugin, config, services)
 * await runtime.start(10_000)
 * await runtime.stop(10_000)
 * ```
 */
export class PluginRuntime {
  readonly descriptor: PluginDescriptor
  readonly config: unknown
  #services: RuntimeServices
  #engine: PluginEngine | undefined
  #scope: PluginScope
  #active = false
  #provider: Provider | undefined
  #registrations: PluginRegistrations

  /** `engine` runs the plugin's code elsewhere (an isolated plugin's sandbox); in this thread without one. */
  constructor(
    descriptor: PluginDescriptor,
    config: unknown,
    services: RuntimeServices,
    engine?: PluginEngine,
  ) {
    this.descriptor = descriptor
    this.config = config
    this.#services = services
    this.#engine = engine
    this.#scope = { plugin: descriptor.name, faults: services.faults }
    this.#registrations = {
      subscriptions: new Map(),
      removers: [],
      healthChecks: new PluginHealthChecks(descriptor.name, (work) => this.#inScope(work)),
      stopCallbacks: [],
      routes: undefined,
    }
  }

  get name(): string {
    return this.descriptor.name
  }

  /**
   * Applies the plugin's pending migrations, runs `setup`, then offers what it `provides` to its dependents. On a
   * throw or when `timeoutMs` passes, undoes what it registered and rejects with `PluginMigrationError`,
   * `PluginSetupError` or `PluginTimeoutError`; the context refuses further calls.
   */
  async start(timeoutMs: number): Promise<void> {
    this.#active = true
    this.#services.catalog.register(this.descriptor)
    const ctx = createPluginContext(
      this.descriptor,
      this.config,
      this.#services,
      this.#registrations,
      () => this.#active,
      this.#scope,
    )
    const engine = this.#engine
    try {
      await withDeadline(
        this.#migrate().then(() =>
          engine !== undefined ? engine.setup(ctx) : this.#inScope(() => this.descriptor.setup(ctx as never)),
        ),
        timeoutMs,
        () => new PluginTimeoutError(this.name, 'start', timeoutMs),
      )
      this.#provide(ctx)
    } catch (error) {
      await this.#undo().catch(() => undefined)
      throw error instanceof PluginTimeoutError || error instanceof PluginMigrationError
        ? error
        : new PluginSetupError(this.name, 'setup', error)
    }
  }

  /** Undoes the plugin within `timeoutMs`; rejects with the first failure after trying every step. */
  async stop(timeoutMs: number): Promise<void> {
    await withDeadline(this.#undo(), timeoutMs, () => new PluginTimeoutError(this.name, 'stop', timeoutMs))
  }

  /** Names of the handlers it subscribed. */
  handlers(): string[] {
    return [...this.#registrations.subscriptions.keys()]
  }

  /** Where it runs: in this process, or its sandbox's mode and state. */
  isolation(): IsolationStatus {
    return this.#engine?.isolation() ?? { mode: 'none' }
  }

  /** Its routes, with paths as mounted under `/plugins/<name>`. */
  routes(): PluginRoute[] {
    const app = this.#registrations.routes
    if (app === undefined) return []
    return (this.#engine?.routes() ?? app.routes).map(({ method, path }) => ({
      method,
      path: `/plugins/${this.name}${path === '/' ? '' : path}`,
    }))
  }

  /** Serves a request whose path is relative to `/plugins/<name>`; undefined when it has no routes. */
  fetch(request: Request): Response | Promise<Response> | undefined {
    const routes = this.#registrations.routes
    return this.#active && routes !== undefined ? this.#inScope(() => routes.fetch(request)) : undefined
  }

  /** The worst result of its health checks (`ok` with none); a throwing or hanging check counts as `error`. */
  async health(): Promise<HealthResult> {
    return (await this.#registrations.healthChecks.report()).result
  }

  /** That result with each check's last run, age and history (`/plugins/{name}/health`). */
  healthReport(): Promise<{ result: HealthResult; checks: ScheduledCheckReport[] }> {
    return this.#registrations.healthChecks.report()
  }

  async #migrate(): Promise<void> {
    const migrations = this.descriptor.migrations ?? []
    if (migrations.length > 0) await this.#services.databases.migrate(this.name, migrations)
  }

  // A factory of `provides` runs once setup succeeded, with the same context.
  #provide(ctx: PluginContext): void {
    const provides = this.descriptor.provides
    if (provides === undefined) return
    // An isolated plugin's functions run in its sandbox; the engine calls them there.
    const remote = this.#engine?.provider()
    if (remote !== undefined) {
      this.#provider = remote
      this.#services.providers.register(this.name, remote)
      return
    }
    const functions = typeof provides === 'function' ? this.#inScope(() => provides(ctx as never)) : provides
    if (typeof functions !== 'object' || functions === null)
      throw new Error(`provides(ctx) returned ${typeof functions}, not an object of functions`)
    this.#provider = inProcessProvider(functions as Provides, this.#scope)
    this.#services.providers.register(this.name, this.#provider)
  }

  #inScope<T>(work: () => T): T {
    return pluginScope.run(this.#scope, work)
  }

  async #undo(): Promise<void> {
    this.#active = false
    // Calls from dependents fail fast from now on, even while in-flight deliveries drain.
    if (this.#provider !== undefined) this.#services.providers.unregister(this.name, this.#provider)
    const registrations = this.#registrations
    const failures: unknown[] = []
    const attempt = async (step: () => unknown) => {
      try {
        await step()
      } catch (error) {
        failures.push(error)
      }
    }
    const subscriptions = [...registrations.subscriptions.values()]
    registrations.subscriptions.clear()
    await Promise.all(subscriptions.map((subscription) => attempt(() => subscription.unsubscribe())))
    registrations.healthChecks.stop()
    for (const remove of registrations.removers.splice(0)) await attempt(remove)
    registrations.routes = undefined
    this.#services.catalog.unregister(this.name)
    for (const callback of registrations.stopCallbacks.splice(0).reverse())
      await attempt(() => this.#inScope(callback))
    if (this.#engine !== undefined) await attempt(() => this.#engine?.stop())
    else if (this.descriptor.stop !== undefined)
      await attempt(() => this.#inScope(() => this.descriptor.stop?.()))
    if (failures.length > 0) throw new PluginSetupError(this.name, 'stop', failures[0])
  }
}
