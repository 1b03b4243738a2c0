import type { EventBus, EventBusOptions, Logger, PluginDatabases, Store, Transport } from '@switchyard/core'
import type { Registry } from 'prom-client'
import type { SwitchyardConfigInput } from './config/config-schema.js'
import type { Env } from './config/interpolate-env.js'
import type { PluginSource } from './discovery/inline-candidates.js'
import type { FaultLimit } from './faults/plugin-faults.js'

/**
 * What `createHost` / `new PluginHost` take. Give `configPath` (a YAML file, reloadable) or `config` (an object
 * of the same shape); with neither, every default applies.
 *
 * @example
 * ```ts
 * const options: HostOptions = { configPath: 'config/switchyard.yaml', store: new SqliteStore({ path: 'data/s.db' }) }
 * ```
 */
export interface HostOptions {
  configPath?: string
  config?: SwitchyardConfigInput
  /** Base of relative `plugin_directories` and of the app's package.json; `process.cwd()` by default. */
  cwd?: string
  /** Variables for `${VAR}` in the file, and `SWITCHYARD_SECRET_KEY`; `process.env` by default. */
  env?: Env
  /**
   * Where the key of `ctx.secrets` is kept when `SWITCHYARD_SECRET_KEY` is unset: read at start, or generated
   * there on first start (mode 0600). Without it (and without the variable) the key lives in memory only,
   * which suits the memory store. The server puts it beside the SQLite file.
   */
  secretKeyFile?: string
  /** A bus to run on; otherwise the host makes one from `store`, `transport` and the `delivery` config, and closes it at stop. */
  bus?: EventBus
  store?: Store
  transport?: Transport
  logger?: Logger
  /** Traces the bus the host makes (see `EventBusOptions.tracer`); ignored with `bus`. */
  tracer?: EventBusOptions['tracer']
  /**
   * Plugins given in code, started with the discovered ones (each a `definePlugin` result, a plugin class or a
   * factory): how an app embeds plugins it ships, and how `@switchyard/testing` runs a plugin under test.
   */
  plugins?: readonly PluginSource[]
  /** Directories searched besides `plugin_directories`, e.g. the marketplace install directory. */
  pluginDirectories?: readonly string[]
  /** The app's package.json whose dependencies may be plugins; `<cwd>/package.json` by default, false to skip. */
  appPackageJson?: string | false
  /** Deadline of a plugin's setup unless `plugins.<name>.start_timeout_ms` says otherwise; 10 s by default. */
  startTimeoutMs?: number
  /** Deadline of each plugin's stop; 10 s by default. */
  stopTimeoutMs?: number
  /** The Prometheus registry for plugin and host metrics; a new one by default. */
  registry?: Registry
  /**
   * Faults a plugin may make within a window before it is stopped as `failed`: 5 within 60 s by default. The
   * configuration's `plugins.<name>.limits` and `plugin_defaults.limits` (`max_faults`, `fault_window_ms`) win.
   * Faults are charged only while a fault guard is installed (`installFaultGuard`, once per process).
   */
  faultLimit?: Partial<FaultLimit>
  /**
   * Where plugins' SQL data lives (`ctx.db`, migrations): one database per plugin. Without it, `ctx.db` and
   * migrations fail with `E_DATABASE`. The server makes it from `plugin_database`; the test kit uses in-memory SQLite.
   * The host closes it at stop.
   */
  databases?: PluginDatabases
  /** Deadline of one `ctx.db.transaction`; 30 s by default. */
  transactionTimeoutMs?: number
  /** Called with each fault charged to one of this host's plugins (the test kit collects them). */
  onFault?: (plugin: string, fault: Error) => void
}

/**
 * What `replacePlugin` runs inside its drained swap, around the new version's start; both optional.
 *
 * @example
 * ```ts
 * const steps: ReplaceSteps = { prepare: () => rename(staged, target), revert: () => rename(target, staged) }
 * ```
 */
export interface ReplaceSteps {
  /** Runs once the old version stopped, before the new one is imported: put the new files in place. */
  prepare?(): unknown
  /** Runs when `prepare` or the new version failed, before the old version starts again: undo `prepare`. */
  revert?(): unknown
}
