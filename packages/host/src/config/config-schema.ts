import * as v from 'valibot'
import { handlersSchema } from './handlers-schema.js'
import { schedulesSchema } from './schedules-schema.js'
import { servicesSchema } from './services-schema.js'
import { telemetrySchema } from './telemetry-schema.js'

const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const HANDLER_NAME = /^[a-z][a-z0-9_]*$/
const EVENT_TYPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/

const nonNegative = v.pipe(v.number(), v.minValue(0))
const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))
const handlerName = v.pipe(v.string(), v.regex(HANDLER_NAME, 'a snake_case handler name'))

const serverSchema = v.strictObject({
  host: v.optional(v.string(), '127.0.0.1'),
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)), 8080),
  body_limit_bytes: v.optional(positiveInt, 1_048_576),
  // Each start step (config, store, transport, plugins, listen) must finish within this.
  start_timeout_ms: v.optional(positiveInt, 30_000),
  // An event-loop stall longer than this makes /readyz answer 503 while it lasts.
  max_event_loop_delay_ms: v.optional(positiveInt, 1000),
})

const tokenSchema = v.strictObject({
  name: v.string(),
  // An unset `${VAR}` leaves the token null: the server then makes one at start.
  token: v.nullable(v.string()),
  scopes: v.array(v.picklist(['admin', 'publish', 'read', 'metrics'])),
})

const authSchema = v.strictObject({
  tokens: v.optional(v.array(tokenSchema), []),
  public_paths: v.optional(v.array(v.pipe(v.string(), v.startsWith('/'))), [
    '/healthz',
    '/readyz',
    '/docs',
    '/openapi.json',
  ]),
  // Hashed tokens made by `switchyard token create` and the generated admin token; default: next to the SQLite
  // database (none with the memory store).
  token_file: v.optional(v.string()),
})

// No defaults here: a key left out falls back to `plugin_defaults.limits`, then to the host's own default.
const pluginLimitsSchema = v.strictObject({
  max_faults: v.optional(positiveInt),
  fault_window_ms: v.optional(positiveInt),
  // Isolated plugins only (see isolation/isolation-settings.ts): heap limit, heartbeat deadline, restarts per window.
  memory_mb: v.optional(positiveInt),
  unresponsive_ms: v.optional(positiveInt),
  max_restarts: v.optional(positiveInt),
})

/** Where a plugin runs: in the server's process, a worker thread, or a child process under Node's permission model. */
const isolationSchema = v.picklist(['none', 'worker', 'process'])

const pluginDefaultsSchema = v.strictObject({
  isolation: v.optional(isolationSchema, 'none'),
  limits: v.optional(pluginLimitsSchema, {}),
})

const pluginEntrySchema = v.strictObject({
  enabled: v.optional(v.boolean(), true),
  config: v.nullish(v.record(v.string(), v.unknown()), {}),
  start_timeout_ms: v.optional(positiveInt),
  // An optional plugin that failed degrades health but leaves the server ready (/readyz).
  optional: v.optional(v.boolean(), false),
  limits: v.optional(pluginLimitsSchema, {}),
  isolation: v.optional(isolationSchema),
})

const routeSchema = v.strictObject({
  key: v.string(),
  cases: v.record(v.string(), v.array(handlerName)),
})

const retrySchema = v.strictObject({
  attempts: v.optional(positiveInt, 3),
  initial_ms: v.optional(nonNegative, 100),
  max_ms: v.optional(nonNegative, 10_000),
  factor: v.optional(v.pipe(v.number(), v.minValue(1)), 2),
  jitter: v.optional(v.boolean(), true),
})

const deliverySchema = v.strictObject({
  timeout_ms: v.optional(positiveInt, 5000),
  retry: v.optional(retrySchema, {}),
  concurrency: v.optional(positiveInt, 16),
  // On by default (DESIGN.md): an enqueued delivery's ledger row is its idempotency record, no extra write.
  idempotent: v.optional(v.boolean(), true),
  dead_letter: v.optional(v.boolean(), true),
  // A delivery that was running when the process died this many times is dead-lettered at start (a poison event).
  max_crashes: v.optional(positiveInt, 3),
})

const limitsSchema = v.strictObject({
  // Deeper would let one event's checks recurse further than a stack allows.
  json_depth: v.optional(v.pipe(positiveInt, v.maxValue(1000)), 64),
  event_type_length: v.optional(positiveInt, 255),
  metadata_string_length: v.optional(positiveInt, 1024),
  sse_clients: v.optional(positiveInt, 1000),
  sse_client_buffer_bytes: v.optional(positiveInt, 1_048_576),
})

const storageSchema = v.variant('driver', [
  v.strictObject({ driver: v.literal('sqlite'), path: v.optional(v.string(), 'data/switchyard.db') }),
  v.strictObject({ driver: v.literal('memory') }),
])

// Where plugins' SQL data lives (ctx.db). Left out: SQLite files in `plugins/` beside a sqlite store, memory with a memory one.
const pluginDatabaseSchema = v.variant('driver', [
  v.strictObject({ driver: v.literal('sqlite'), directory: v.optional(v.pipe(v.string(), v.minLength(1))) }),
  v.strictObject({ driver: v.literal('memory') }),
  v.strictObject({
    driver: v.literal('postgres'),
    url: v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// connection URL')),
    schema_prefix: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^[a-z_][a-z0-9_]{0,29}$/, 'a lower-case SQL name prefix of at most 30 characters'),
      ),
      'plugin_',
    ),
    pool_size: v.optional(positiveInt, 5),
  }),
])

const transportSchema = v.variant('driver', [
  v.strictObject({ driver: v.literal('memory') }),
  v.strictObject({
    driver: v.literal('nats'),
    servers: v.optional(v.array(v.string()), ['nats://127.0.0.1:4222']),
    stream: v.optional(v.string(), 'SWITCHYARD'),
  }),
])

// The marketplace package validates the whole section (token, allowed_sources, limits...); the host only reads
// these keys, so it lets the others through rather than keeping a second copy of that schema.
const marketplaceSchema = v.looseObject({
  enabled: v.optional(v.boolean(), false),
  registry: v.optional(v.nullable(v.pipe(v.string(), v.url())), null),
  indexes: v.optional(v.array(v.string()), []),
  install_dir: v.optional(v.string(), '.switchyard/plugins'),
  // Unset: plugins the marketplace installs run as `plugin_defaults.isolation` says.
  isolation: v.optional(isolationSchema),
})

const auditSchema = v.strictObject({
  // The server deletes audit records older than this, at start and hourly.
  retention_days: v.optional(positiveInt, 90),
})

/**
 * The valibot schema of the whole configuration file (`config/switchyard.yaml`). Every key is optional and
 * takes the default DESIGN.md documents; unknown keys are errors.
 *
 * @example
 * ```ts
 * const result = v.safeParse(configSchema, { server: { port: 9000 } })
 * ```
 */
export const configSchema = v.strictObject({
  server: v.optional(serverSchema, {}),
  auth: v.optional(authSchema, {}),
  plugin_directories: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), ['plugins']),
  enabled_handlers: v.optional(v.array(handlerName), []),
  disabled_handlers: v.optional(v.array(handlerName), []),
  plugin_defaults: v.optional(pluginDefaultsSchema, {}),
  plugins: v.nullish(
    v.record(
      v.pipe(v.string(), v.regex(PLUGIN_NAME, 'a kebab-case plugin name')),
      v.nullish(pluginEntrySchema, {}),
    ),
    {},
  ),
  routes: v.nullish(v.record(v.pipe(v.string(), v.regex(EVENT_TYPE, 'an event type')), routeSchema), {}),
  // Flow control per handler (throttle, rate_limit, debounce, batch, concurrency, priority) over ctx.on's options.
  handlers: v.nullish(handlersSchema, {}),
  delivery: v.optional(deliverySchema, {}),
  limits: v.optional(limitsSchema, {}),
  storage: v.optional(storageSchema, { driver: 'sqlite' }),
  transport: v.optional(transportSchema, { driver: 'memory' }),
  plugin_database: v.optional(pluginDatabaseSchema),
  marketplace: v.optional(marketplaceSchema, {}),
  services: v.optional(servicesSchema, {}),
  audit: v.optional(auditSchema, {}),
  telemetry: v.optional(telemetrySchema, {}),
  schedules: v.nullish(schedulesSchema, []),
})

/**
 * The parsed configuration, every default filled in. Keys stay snake_case as in the file.
 *
 * @example
 * ```ts
 * const { config } = await loadConfig('config/switchyard.yaml')
 * config.delivery.retry.attempts // 3
 * ```
 */
export type SwitchyardConfig = v.InferOutput<typeof configSchema>

/** What `createHost({ config })` accepts: the file's shape, every key optional. */
export type SwitchyardConfigInput = v.InferInput<typeof configSchema>

/** Fault limits of a plugin (`plugin_defaults.limits`, `plugins.<name>.limits`); unset keys fall back. */
export type PluginLimitsConfig = v.InferOutput<typeof pluginLimitsSchema>

/** Where a plugin runs (`plugin_defaults.isolation`, `plugins.<name>.isolation`, `marketplace.isolation`). */
export type IsolationMode = v.InferOutput<typeof isolationSchema>

/** One plugin's entry under `plugins:`. */
export type PluginConfigEntry = v.InferOutput<typeof pluginEntrySchema>
