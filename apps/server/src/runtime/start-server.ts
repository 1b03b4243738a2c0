import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import {
  createHost,
  loadConfig,
  type PluginHost,
  type SwitchyardConfigInput,
  validateConfig,
} from '@switchyard/host'
import { Marketplace } from '@switchyard/marketplace'
import { pino, destination as pinoDestination } from 'pino'
import { AccessControl } from '../auth/access-control.js'
import { tokenResolver } from '../auth/token-resolver.js'
import { createApp } from '../http/create-app.js'
import { type Listener, listen } from '../http/listen.js'
import { nodeIngest } from '../routes/node-ingest.js'
import { hostRuntime } from './host-runtime.js'
import { marketplaceApi } from './marketplace-api.js'
import { openBackends } from './open-backends.js'
import { ServerMetrics } from './server-metrics.js'

/** The configuration file `start` uses when none is given and it exists. */
export const DEFAULT_CONFIG_FILE = 'config/switchyard.yaml'

/** How long open HTTP connections may take to finish at shutdown before they are cut. */
const HTTP_GRACE_MS = 10_000

/** What `startServer` takes; everything optional. */
export interface StartServerOptions {
  /** A YAML file (reloadable through the API); default `config/switchyard.yaml` when it exists. */
  configFile?: string
  /** The configuration as an object instead of a file (not reloadable). */
  config?: SwitchyardConfigInput
  /** Overrides `server.port` (0: any free port). */
  port?: number
  /** pino level; `$LOG_LEVEL` or `info` by default. */
  logLevel?: string
  /** Told the generated admin token when no token is configured (stderr by default). */
  announceToken?: (token: string) => void
}

/** A running server. */
export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly host: PluginHost
  /** The app's fetch handler: calls the API in process, without a socket. */
  readonly fetch: (request: Request) => Response | Promise<Response>
  /** Graceful stop: refuse new work, finish requests, drain deliveries, stop plugins, close the store. */
  close(): Promise<void>
}

const require = createRequire(import.meta.url)
const versionOf = (pkg: string) => (require(pkg) as { version: string }).version
const version = versionOf('../../package.json')

/**
 * Starts a Switchyard server: loads the configuration, opens the store and transport it names, starts the
 * plugin host, and serves the API. Resolves once it listens.
 *
 * @example
 * ```ts
 * const server = await startServer({ configFile: 'config/switchyard.yaml', port: 0 })
 * console.log(server.url)
 * await server.close()
 * ```
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  // Buffered writes: one syscall per 4 KiB of log lines rather than one per request line, and whatever is
  // buffered goes out within 200 ms, so a quiet server's lines are not held back until 4 KiB pile up. The writes
  // are synchronous: handing them to libuv's thread pool cost more than the write itself (`pnpm bench -- http`).
  const destination = pinoDestination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 200 })
  const logger = pino({ level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info' }, destination)
  const configFile =
    options.configFile ??
    (options.config === undefined && existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined)
  // What a reload applies: the file again, or the same object.
  const readConfig = async () =>
    (configFile ? await loadConfig(configFile) : validateConfig(options.config ?? {})).config
  const config = await readConfig()
  // Relative paths in the configuration (plugin_directories, storage.path) are taken from the working directory.
  const baseDir = process.cwd()

  const backends = await openBackends(config, { baseDir, logger })
  const tokensOf = tokenResolver(
    options.announceToken ??
      ((token) =>
        process.stderr.write(`No auth token configured; generated admin token (shown once): ${token}\n`)),
  )
  const access = new AccessControl(tokensOf(config.auth), config.auth.public_paths)
  let host: PluginHost | undefined
  const metrics = new ServerMetrics({ pluginStates: () => host?.status() ?? [] })
  const marketplaceSettings = { hostVersion: versionOf('@switchyard/core/package.json'), cwd: baseDir }
  const marketplace = new Marketplace({ ...marketplaceSettings, config: config.marketplace })
  try {
    host = await createHost({
      ...(configFile ? { configPath: configFile } : { config: options.config ?? {} }),
      cwd: baseDir,
      store: backends.store,
      transport: backends.transport,
      logger,
      registry: metrics.registry,
      // Plugins installed in an earlier run start with the others.
      pluginDirectories: [marketplace.installDir],
    })
  } catch (error) {
    // The host never started (a plugin directory unreadable, resume timing out...): release the store and
    // transport so a failed start exits rather than hanging on their open connections.
    await Promise.allSettled([backends.store.close(), backends.transport.close()])
    throw error
  }
  const started = host
  const unobserve = metrics.observe(started.bus)
  const closing = new AbortController()
  const runtime = hostRuntime(started, {
    readConfig,
    onConfig: (next) => access.update(tokensOf(next.auth), next.auth.public_paths),
    isReady: () => !closing.signal.aborted && backends.transport.isReady(),
    marketplace: marketplaceApi(started, marketplace, marketplaceSettings),
  })
  const app = createApp({
    runtime,
    access,
    metrics,
    logger,
    bodyLimitBytes: config.server.body_limit_bytes,
    version,
    closing: closing.signal,
  })
  let listener: Listener
  try {
    listener = await listen(app.fetch, {
      hostname: config.server.host,
      port: options.port ?? config.server.port,
      handleFirst: nodeIngest({
        runtime,
        access,
        logger,
        bodyLimitBytes: config.server.body_limit_bytes,
        closing: closing.signal,
        extensions: started.bus.extensions,
      }),
    })
  } catch (error) {
    await started.stop()
    throw error
  }
  logger.info({ url: listener.url, plugins: started.status().length }, 'switchyard listening')

  let closed: Promise<void> | undefined
  return {
    url: listener.url,
    port: listener.port,
    host: started,
    fetch: app.fetch,
    close() {
      closed ??= (async () => {
        closing.abort()
        await listener.close(HTTP_GRACE_MS)
        await started.stop()
        unobserve()
        logger.info('switchyard stopped')
        await new Promise<void>((resolve) => logger.flush(() => resolve()))
      })()
      return closed
    },
  }
}
