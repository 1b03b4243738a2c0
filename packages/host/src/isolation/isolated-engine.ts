import { pathToFileURL } from 'node:url'
import type { Logger } from '@switchyard/core'
import { type DescribedIssue, PluginConfigError, type PluginContext } from '@switchyard/plugin-sdk'
import type { PluginConfigResult } from '../config/parse-plugin-config.js'
import type { Provider } from '../providers/provider.js'
import type { IsolationStatus, PluginEngine } from '../runtime/plugin-engine.js'
import { BodyStreams } from './body-streams.js'
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
  #loading: Promise<unknown> | undefined
  #bridge: HostBridge | undefined
  #ctx: PluginContext | undefined
  #streams = new BodyStreams((message) => this.#supervisor?.post(message))
  #routes: SandboxRoute[] = []
  #provides: string[] = []
  #mounted = false

  constructor(options: IsolatedEngineOptions) {
    this.#options = options
  }

  /** The plugin's name as this sandbox knows it (its env, errors, metrics). */
  get plugin(): string {
    return this.#options.plugin
  }

  /** How this engine launches its sandbox. */
  get launch(): LaunchOptions {
    return this.#options.launch
  }

  get #settings(): IsolationSettings {
    return this.#options.launch.settings
  }

  /**
   * Starts the sandbox and imports the plugin's module there (once per engine): resolves with the manifest it
   * sent, unchecked (see `fromManifest`). Nothing of the plugin runs in the host.
   */
  load(): Promise<unknown> {
    this.#loading ??= this.#start()
    return this.#loading
  }

  /** Parses `raw` with the plugin's config schema in the sandbox: the config, or the issues (paths in the config). */
  async configure(raw: unknown): Promise<PluginConfigResult> {
    await this.load()
    const answer = (await this.#running().request({ t: 'configure', raw })) as {
      ok?: unknown
      config?: unknown
      issues?: unknown
    }
    if (answer?.ok === true) return { ok: true, config: answer.config }
    const issues = Array.isArray(answer?.issues) ? answer.issues.slice(0, 100).flatMap(toIssue) : []
    if (issues.length === 0)
      throw new Error('the sandbox answered configure with neither a config nor issues')
    return { ok: false, issues, error: new PluginConfigError(this.#options.plugin, issues) }
  }

  async setup(ctx: PluginContext): Promise<void> {
    await this.load()
    const supervisor = this.#running()
    this.#bridge = new HostBridge(ctx, this.#settings.mode, supervisor)
    this.#ctx = ctx
    await this.#setupIn((message) => supervisor.request(message), ctx, supervisor)
  }

  async #start(): Promise<unknown> {
    const { plugin, metrics, logger, failed } = this.#options
    let manifest: unknown
    const supervisor: SandboxSupervisor = new SandboxSupervisor({
      plugin,
      settings: this.#settings,
      launch: () => launchSandbox(this.#options.launch),
      // The first launch only loads the module; a restarted sandbox of a set-up plugin loads and sets it up.
      setup: async (send): Promise<void> => {
        if (this.#ctx !== undefined) return this.#setupIn(send, this.#ctx, supervisor)
        manifest = await send({ t: 'load', entry: pathToFileURL(this.#options.entry).href })
      },
      receive: (message, generation) => {
        if (message.t === 'pull' || message.t === 'cancel' || message.t === 'body')
          this.#streams.receive(message)
        else this.#bridge?.receive(message, generation)
      },
      ended: (error) => this.#streams.abortAll(error),
      failed,
      metrics,
      logger,
    })
    this.#supervisor = supervisor
    await supervisor.start()
    return manifest
  }

  #running(): SandboxSupervisor {
    if (this.#supervisor === undefined) throw new Error('the sandbox is not started')
    return this.#supervisor
  }

  async stop(): Promise<void> {
    const supervisor = this.#supervisor
    if (supervisor === undefined) return
    try {
      // A sandbox that only read the manifest or a config has no set-up plugin to stop.
      if (this.#ctx !== undefined && supervisor.info().state === 'running')
        await supervisor.request({ t: 'stop' }, { wait: false })
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
      ctx.routes.all('*', forwardRoute(supervisor, this.#streams))
      this.#mounted = true
    }
  }
}

function isRoute(route: unknown): route is SandboxRoute {
  const { method, path } = (route ?? {}) as Record<string, unknown>
  return typeof method === 'string' && typeof path === 'string'
}

// An issue as the sandbox described it, kept to the fields the host reads (it does not trust the sandbox).
function toIssue(value: unknown): DescribedIssue[] {
  const { keys, path, message, expected, received, onKey } = (value ?? {}) as Record<string, unknown>
  if (typeof path !== 'string' || typeof message !== 'string' || !Array.isArray(keys)) return []
  const text = (field: unknown) => (typeof field === 'string' ? field : undefined)
  const issue: DescribedIssue = {
    keys: keys.filter((key) => typeof key === 'string' || typeof key === 'number'),
    path,
    message,
    onKey: onKey === true,
  }
  if (text(expected) !== undefined) issue.expected = text(expected)
  if (text(received) !== undefined) issue.received = text(received)
  return [issue]
}
