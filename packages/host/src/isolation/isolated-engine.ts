import { pathToFileURL } from 'node:url'
import type { Logger } from '@switchyard/core'
import type { PluginContext } from '@switchyard/plugin-sdk'
import type { Provider } from '../providers/provider.js'
import type { IsolationStatus, PluginEngine } from '../runtime/plugin-engine.js'
import { forwardRoute } from './forward-route.js'
import { HostBridge } from './host-bridge.js'
import type { IsolationMetrics } from './isolation-metrics.js'
import type { IsolationSettings } from './isolation-settings.js'
import { type LaunchOptions, launchSandbox } from './launch-sandbox.js'
import type { SandboxRoute } from './sandbox-protocol.js'
import { type Request, SandboxSupervisor } from './sandbox-supervisor.js'

/** What an isolated plugin's engine needs. */
export interface IsolatedEngineOptions {
  plugin: string
  /** The plugin module's absolute path, imported by the sandbox. */
  entry: string
  launch: LaunchOptions
  metrics: IsolationMetrics
  logger: Logger
  /** The plugin's sandbox ended `max_restarts` times within its window: stop the plugin as failed. */
  failed(error: Error): void
}

/**
 * Runs a plugin in a sandbox (worker thread or child process) for its `PluginRuntime`: starts a supervised
 * sandbox, sets the plugin up there against the real ctx through a `HostBridge`, mounts one forwarding route
 * when the plugin has routes, and at stop runs the plugin's `stop` in the sandbox and ends it.
 *
 * @example
 * ```ts
 * const runtime = new PluginRuntime(descriptor, config, services, new IsolatedEngine(options))
 * await runtime.start(10_000)
 * ```
 */
export class IsolatedEngine implements PluginEngine {
  #options: IsolatedEngineOptions
  #supervisor: SandboxSupervisor | undefined
  #routes: SandboxRoute[] = []
  #provides: string[] = []
  #mounted = false

  constructor(options: IsolatedEngineOptions) {
    this.#options = options
  }

  get #settings(): IsolationSettings {
    return this.#options.launch.settings
  }

  async setup(ctx: PluginContext): Promise<void> {
    const { plugin, metrics, logger, failed } = this.#options
    let bridge: HostBridge | undefined
    const supervisor: SandboxSupervisor = new SandboxSupervisor({
      plugin,
      settings: this.#settings,
      launch: () => launchSandbox(this.#options.launch),
      setup: (send): Promise<void> => this.#setupIn(send, ctx, supervisor),
      receive: (message, generation) => bridge?.receive(message, generation),
      failed,
      metrics,
      logger,
    })
    bridge = new HostBridge(ctx, this.#settings.mode, supervisor)
    this.#supervisor = supervisor
    await supervisor.start()
  }

  async stop(): Promise<void> {
    const supervisor = this.#supervisor
    if (supervisor === undefined) return
    try {
      if (supervisor.info().state === 'running') await supervisor.request({ t: 'stop' }, { wait: false })
    } finally {
      await supervisor.stop()
    }
  }

  routes(): SandboxRoute[] {
    return this.#routes
  }

  provider(): Provider | undefined {
    const supervisor = this.#supervisor
    if (supervisor === undefined || this.#provides.length === 0) return undefined
    return {
      names: () => this.#provides,
      call: (method, args) => supervisor.request({ t: 'provide', method, args }),
    }
  }

  isolation(): IsolationStatus {
    const { state = 'starting', ...info } = this.#supervisor?.info() ?? {}
    return { mode: this.#settings.mode, state, ...info }
  }

  async #setupIn(
    send: (message: Request) => Promise<unknown>,
    ctx: PluginContext,
    supervisor: SandboxSupervisor,
  ): Promise<void> {
    const entry = pathToFileURL(this.#options.entry).href
    const answer = await send({ t: 'setup', entry, name: this.#options.plugin, config: ctx.config })
    const { routes, provides } = (answer ?? {}) as { routes?: unknown; provides?: unknown }
    if (!Array.isArray(routes) || !routes.every(isRoute))
      throw new Error('the sandbox answered setup without a list of { method, path } routes')
    if (!Array.isArray(provides) || !provides.every((name) => typeof name === 'string'))
      throw new Error('the sandbox answered setup without the names of what it provides')
    this.#routes = routes
    this.#provides = provides
    // One catch-all forwarder: the sandbox's Hono app does the routing (middleware and 404s included).
    if (routes.length > 0 && !this.#mounted) {
      ctx.routes.all('*', forwardRoute(supervisor))
      this.#mounted = true
    }
  }
}

function isRoute(route: unknown): route is SandboxRoute {
  const { method, path } = (route ?? {}) as Record<string, unknown>
  return typeof method === 'string' && typeof path === 'string'
}
