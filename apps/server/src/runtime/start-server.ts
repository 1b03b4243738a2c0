import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Logger } from '@switchyard/core'
import {
  installFaultGuard,
  loadConfig,
  PluginHost,
  type SwitchyardConfigInput,
  validateConfig,
} from '@switchyard/host'
import { pino } from 'pino'
import { AuditRetention } from '../audit/audit-retention.js'
import { serverAuth } from '../auth/server-auth.js'
import type { StartStep } from '../errors.js'
import { EventLoopMonitor } from '../health/event-loop-monitor.js'
import { Readiness } from '../health/readiness.js'
import { createApp } from '../http/create-app.js'
import { listen } from '../http/listen.js'
import { startingResponse } from '../http/starting-response.js'
import { nodeIngest } from '../routes/node-ingest.js'
import { DEFAULT_CONFIG_FILE } from '../start/default-config-file.js'
import { runStep } from '../start/run-step.js'
import { secretKeyFile } from '../start/secret-key-file.js'
import { Undo } from '../start/undo.js'
import { startTelemetry } from '../telemetry/start-telemetry.js'
import { telemetrySettings } from '../telemetry/telemetry-settings.js'
import { traceLogFields } from '../telemetry/trace-log-fields.js'
import { hostRuntime } from './host-runtime.js'
import { defaultLogFormat, type LogFormat, logStream } from './log-stream.js'
import { marketplaceApi } from './marketplace-api.js'
import { openBackends } from './open-backends.js'
import { openMarketplace } from './open-marketplace.js'
import { openPluginDatabases } from './open-plugin-databases.js'
import { registerSelf } from './register-self.js'
import { ServerMetrics } from './server-metrics.js'

export { DEFAULT_CONFIG_FILE }

/** How long open HTTP connections may take to finish at shutdown before they are cut. */
const HTTP_GRACE_MS = 10_000
/** The deadline of reading the configuration, before `server.start_timeout_ms` is known. */
const CONFIG_TIMEOUT_MS = 30_000

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
  /** `json` lines, or `pretty` (pino-pretty); default `pretty` when stdout is a terminal, else `json`. */
  logFormat?: LogFormat
  /**
   * Told the generated admin token when there is no admin token (stderr by default), and the token file that
   * keeps its digest (undefined: none, the token lasts until exit).
   */
  announceToken?: (token: string, file: string | undefined) => void
  /**
   * A fault no plugin owns (an uncaught exception or unhandled rejection outside every plugin): `exit` (the
   * default) logs it, flushes the logs and exits 1; `ignore` leaves it to the process's other listeners (a
   * test runner, an app embedding the server).
   */
  unownedFaults?: 'exit' | 'ignore'
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
 * Starts a Switchyard server and resolves once its plugins are up. The fault guard goes in first (a plugin's
 * stray rejection or exception is charged to it; see `installFaultGuard`), then each step runs within
 * `server.start_timeout_ms`: config, listen (the port opens at once and answers 503 `starting`), store,
 * transport, plugins; then the API is served. A failed step rejects with `StartError` (E_START: the step, the
 * cause and the fix) after logging it, flushing the log and closing what had opened.
 *
 * @example
 * ```ts
 * const server = await startServer({ configFile: 'config/switchyard.yaml', port: 0 })
 * console.log(server.url)
 * await server.close()
 * ```
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const stream = await logStream(options.logFormat ?? defaultLogFormat(process.stdout.isTTY))
  const logger = pino(
    { level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info', ...traceLogFields },
    stream,
  )
  const flush = () => new Promise<void>((resolve) => logger.flush(() => resolve()))
  const removeGuard = installFaultGuard({ logger, flush, unowned: options.unownedFaults ?? 'exit' })
  const undo = new Undo(logger)
  undo.push(removeGuard)
  try {
    return await start(options, { logger, undo, flush, removeGuard })
  } catch (error) {
    logger.error({ err: error }, 'switchyard failed to start')
    await undo.all()
    await flush()
    throw error
  }
}

/** What `startServer` made before the steps: the log, the fault guard and the list of things to release. */
interface StartContext {
  logger: Logger
  undo: Undo
  flush: () => Promise<void>
  removeGuard: () => void
}

async function start(options: StartServerOptions, context: StartContext): Promise<RunningServer> {
  const { logger, undo, flush } = context
  const configFile =
    options.configFile ??
    (options.config === undefined && existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined)
  // What a reload applies: the file again, or the same object.
  const readLoaded = async () =>
    configFile ? await loadConfig(configFile) : validateConfig(options.config ?? {})
  const marketplaceSettings = { hostVersion: versionOf('@switchyard/core/package.json'), cwd: process.cwd() }
  // The marketplace section is checked with the rest, so its errors too name the file and line.
  const { config, marketplace } = await runStep(
    'config',
    async () => {
      const loaded = await readLoaded()
      return { config: loaded.config, marketplace: openMarketplace(loaded, marketplaceSettings) }
    },
    CONFIG_TIMEOUT_MS,
  )
  const step = <T>(name: StartStep, work: () => T | Promise<T>) =>
    runStep(name, work, config.server.start_timeout_ms)
  // Bad OTEL_* variables fail the config step too: they stand for keys the file left out.
  const telemetry = await step('config', () =>
    startTelemetry(telemetrySettings(config.telemetry, process.env), version),
  )
  if (telemetry !== undefined) undo.push(() => telemetry.shutdown())
  // Relative paths in the configuration (plugin_directories, storage.path) are taken from the working directory.
  const baseDir = process.cwd()

  const listener = await step('listen', () =>
    listen(startingResponse, {
      hostname: config.server.host,
      port: options.port ?? config.server.port,
      ...(telemetry === undefined ? {} : { wrap: (listener) => telemetry.traceRequests(listener) }),
    }),
  )
  undo.push(() => listener.close(0))
  logger.info({ url: listener.url }, 'switchyard starting: answering 503 until the plugins are up')

  const backends = await openBackends(config, { baseDir, logger, step })
  undo.push(() => backends.transport.close())
  undo.push(() => backends.store.close())
  const auth = await serverAuth(config, {
    cwd: baseDir,
    logger,
    announce:
      options.announceToken ??
      ((token) =>
        process.stderr.write(`No auth token configured; generated admin token (shown once): ${token}\n`)),
  })
  undo.push(() => auth.close())
  const { access } = auth

  const { host, metrics, loop, unobserve } = await step('plugins', async () => {
    let made: PluginHost | undefined
    const serverMetrics = new ServerMetrics({
      pluginStates: () => made?.status() ?? [],
      pluginOf: (handler) => made?.status().find((plugin) => plugin.handlers.includes(handler))?.name,
    })
    made = new PluginHost({
      ...(configFile ? { configPath: configFile } : { config: options.config ?? {} }),
      cwd: baseDir,
      secretKeyFile: secretKeyFile(config, baseDir),
      store: backends.store,
      transport: backends.transport,
      databases: openPluginDatabases(config, baseDir),
      logger,
      registry: serverMetrics.registry,
      ...(telemetry === undefined ? {} : { tracer: telemetry.tracer }),
      // Plugins installed in an earlier run start with the others.
      pluginDirectories: [marketplace.installDir],
    })
    // Observed before the plugins start: deliveries dead-lettered at resume (poison events) are counted.
    const unobserve = serverMetrics.observe(made.bus)
    telemetry?.register(serverMetrics.registry)
    undo.push(unobserve)
    const eventLoop = new EventLoopMonitor({
      maxDelayMs: config.server.max_event_loop_delay_ms,
      registry: serverMetrics.registry,
    })
    eventLoop.start()
    undo.push(() => eventLoop.stop())
    await made.start()
    return { host: made, metrics: serverMetrics, loop: eventLoop, unobserve }
  })

  access.authenticateWith(host.bus.extensions)
  const closing = new AbortController()
  const readiness = new Readiness({
    host,
    store: backends.store,
    transport: backends.transport,
    loop,
    closing: closing.signal,
  })
  const marketplaceOps = marketplaceApi(host, marketplace, marketplaceSettings)
  // The signers of installed plugins, shown in the plugin list, are read before the first request.
  await marketplaceOps.refresh()
  const retention = new AuditRetention(backends.store, config.audit.retention_days, logger)
  undo.push(() => retention.stop())
  const runtime = hostRuntime(host, {
    readConfig: readLoaded,
    onConfig: (next) => {
      auth.apply(next)
      retention.update(next.audit.retention_days)
    },
    readiness: () => readiness.check(),
    eventLoop: () => loop.sample(),
    marketplace: marketplaceOps,
  })
  const app = createApp({
    runtime,
    access,
    metrics,
    logger,
    bodyLimitBytes: config.server.body_limit_bytes,
    version,
    closing: closing.signal,
    limits: config.limits,
    backends: { storage: config.storage.driver, transport: config.transport.driver },
  })
  listener.serve(
    app.fetch,
    nodeIngest({
      runtime,
      access,
      logger,
      bodyLimitBytes: config.server.body_limit_bytes,
      closing: closing.signal,
      extensions: host.bus.extensions,
    }),
  )
  // The plugins are running: a refused registration stops them before the store and transport close.
  const unregisterSelf = await step('services', () =>
    registerSelf(host, config.services, { url: listener.url, version }),
  ).catch(async (error: unknown) => {
    await host.stop()
    throw error
  })
  // The start banner: a log line like any other, so JSON log readers see it too.
  logger.info({ url: listener.url, plugins: host.status().length }, `switchyard listening on ${listener.url}`)
  logger.info({ url: `${listener.url}/admin/` }, `admin UI at ${listener.url}/admin/ (sign in with a token)`)

  let closed: Promise<void> | undefined
  return {
    url: listener.url,
    port: listener.port,
    host,
    fetch: app.fetch,
    close() {
      closed ??= (async () => {
        closing.abort()
        await listener.close(HTTP_GRACE_MS)
        await unregisterSelf().catch((error: unknown) =>
          logger.warn({ err: error }, 'could not unregister the server from the service registry'),
        )
        // The host stops the plugins and closes the bus it made over the store and transport.
        await host.stop()
        retention.stop()
        unobserve()
        loop.stop()
        auth.close()
        context.removeGuard()
        // Pending spans go out before the process ends (the handlers' last ones included). A collector that is
        // down loses them (counted as dropped), never the rest of the shutdown.
        await telemetry
          ?.shutdown()
          .catch((error: unknown) =>
            logger.warn({ err: error }, 'could not export the last spans: the collector did not take them'),
          )
        logger.info('switchyard stopped')
        await flush()
      })()
      return closed
    },
  }
}
