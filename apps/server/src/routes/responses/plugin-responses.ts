import * as v from 'valibot'

const text = (description: string) => v.pipe(v.string(), v.description(description))

/** A health check's result. */
export const HealthResult = v.object({
  status: v.picklist(['ok', 'degraded', 'error']),
  message: v.optional(v.string()),
  details: v.optional(v.record(v.string(), v.unknown())),
})

/** One plugin as `GET /api/v1/events/plugins` lists it (`PluginStatus` of @switchyard/host). */
export const PluginStatus = v.object({
  name: v.string(),
  version: v.optional(v.string()),
  description: v.optional(v.string()),
  category: v.optional(v.string()),
  tags: v.array(v.string()),
  author: v.optional(v.string()),
  license: v.optional(v.string()),
  state: text('discovered, loaded, configured, started, stopped, disabled or failed'),
  enabled: v.boolean(),
  source: text('Where it was found: a plugin directory, a dependency of the app, the marketplace, a file'),
  entry: text('Its module file'),
  dependencies: v.array(v.object({ name: v.string(), range: v.string(), optional: v.boolean() })),
  permissions: v.array(v.string()),
  handlers: v.array(v.string()),
  routes: v.array(v.object({ method: v.string(), path: text('Mounted under /plugins/<name>') })),
  publishes: v.array(v.string()),
  consumes: v.array(v.string()),
  reloads: v.number(),
  faults: v.number(),
  lastFault: v.optional(v.string()),
  isolation: v.optional(
    v.object({
      mode: v.picklist(['none', 'worker', 'process']),
      state: v.optional(v.string()),
      pid: v.optional(v.number()),
      threadId: v.optional(v.number()),
      restarts: v.optional(v.number()),
      lastExit: v.optional(v.object({ reason: v.string(), detail: v.string(), at: v.string() })),
      memory: v.optional(v.object({ heapUsedBytes: v.number(), rssBytes: v.number() })),
    }),
  ),
  reason: v.optional(text('Why it failed or is not running')),
  error: v.optional(v.object({ code: v.string(), message: v.string() })),
  warnings: v.array(v.string()),
  config: v.optional(v.pipe(v.unknown(), v.description('The config it runs with; secret() fields redacted'))),
  signer: v.optional(text('Marketplace-installed: the key id that signed it, or unsigned')),
})

/** `200` of the plugin lists. */
export const PluginList = v.object({ plugins: v.array(PluginStatus) })

/** `200` of `POST /api/v1/events/reload-config`. */
export const ConfigReload = v.object({
  reloaded: v.boolean(),
  added: v.pipe(v.array(v.string()), v.description('Plugins found by the rescan and started')),
  removed: v.pipe(v.array(v.string()), v.description('Plugins gone from plugin_directories, stopped')),
  plugins: v.array(PluginStatus),
  routeWarnings: v.array(v.string()),
})

/** `200` of `GET /api/v1/events/plugins/{name}/config-schema`. */
export const PluginConfigSchema = v.object({
  plugin: v.string(),
  schema: v.pipe(v.record(v.string(), v.unknown()), v.description('JSON Schema of its config')),
})

/** `200` of `GET /api/v1/events/plugins/{name}/config`. */
export const PluginConfig = v.object({
  plugin: v.string(),
  config: v.pipe(v.unknown(), v.description('null when it is not running')),
})

/** `200` of `GET /plugins/{name}/health`. */
export const PluginHealth = v.object({
  ...HealthResult.entries,
  state: v.string(),
  checks: v.optional(v.array(v.record(v.string(), v.unknown()))),
})

/** `200` of `GET /plugins/metrics`: prom-client's JSON of the metrics labelled with a plugin. */
export const PluginMetrics = v.object({
  metrics: v.array(
    v.looseObject({
      name: v.string(),
      help: v.string(),
      type: v.string(),
      values: v.array(v.looseObject({ value: v.number(), labels: v.record(v.string(), v.unknown()) })),
    }),
  ),
})

/** `200` of `GET /extension-points`. */
export const ExtensionPoints = v.object({
  extensionPoints: v.array(
    v.object({
      name: v.string(),
      kind: v.picklist(['filter', 'action', 'collect']),
      description: v.optional(v.string()),
      contributions: v.array(v.object({ owner: v.optional(v.string()), priority: v.number() })),
    }),
  ),
})
