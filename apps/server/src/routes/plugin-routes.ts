import type { AnySchema } from '../http/validate.js'
import type { ApiBuilder, ApiOperation } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import {
  ConfigReload,
  ExtensionPoints,
  HealthResult,
  PluginConfig,
  PluginConfigSchema,
  PluginHealth,
  PluginList,
  PluginMetrics,
  PluginStatus,
} from './responses/plugin-responses.js'
import { LoadPluginBody } from './schemas.js'

type Action = (name: string) => Promise<unknown>

/**
 * The management routes of the seeds: plugin list, enable/disable, config reload
 * (`/api/v1/events/...`), status, health, metrics and reload (`/plugins/...`), and `/extension-points`.
 * These paths take precedence over a plugin's own routes of the same path.
 *
 * @example
 * ```ts
 * pluginRoutes(api, runtime)
 * ```
 */
export function pluginRoutes(api: ApiBuilder, runtime: ServerRuntime): void {
  const tag = 'plugins'
  api.schemas({ PluginStatus, HealthResult })
  const read = (path: string, summary: string, schema: AnySchema, answer: () => unknown) =>
    api.route(
      {
        method: 'get',
        path,
        scope: 'read',
        tag,
        summary,
        responses: { 200: { description: summary, schema } },
      },
      async (c) => c.json((await answer()) as object),
    )
  const act = (path: string, summary: string, action: Action) =>
    api.route(
      {
        method: 'post',
        path,
        scope: 'admin',
        tag,
        summary,
        responses: {
          200: { description: 'The plugin after the change', schema: PluginStatus },
          404: 'No such plugin',
          409: 'Not possible in its current state',
        },
      } satisfies ApiOperation,
      async (c) => c.json((await action(c.req.param('name')!)) as object),
    )

  read('/api/v1/events/plugins', 'Loaded plugins with their state, handlers and routes', PluginList, () => ({
    plugins: runtime.plugins(),
  }))
  act('/api/v1/events/plugins/:name/enable', 'Enable a plugin (persisted across restarts)', (n) =>
    runtime.enable(n),
  )
  act(
    '/api/v1/events/plugins/:name/disable',
    'Disable a plugin after draining its in-flight deliveries',
    (n) => runtime.disable(n),
  )
  api.route(
    {
      method: 'post',
      path: '/api/v1/events/plugins/:name/load',
      scope: 'admin',
      tag,
      summary:
        'Load one plugin folder (`{ "path": "plugins/x" }`, relative to the server): a new plugin starts, a known one reloads',
      body: LoadPluginBody,
      responses: {
        200: { description: 'The plugin after loading', schema: PluginStatus },
        400: 'No path for a plugin the server does not know',
        422: 'The folder holds no plugin, another plugin, or one that cannot load',
      },
    },
    async (c, { body }) => c.json(await runtime.loadPlugin(c.req.param('name')!, body.path)),
  )
  api.route(
    {
      method: 'post',
      path: '/api/v1/events/reload-config',
      scope: 'admin',
      tag,
      summary:
        'Reload the configuration file and rescan plugin_directories (new plugins start, removed ones stop after draining); an invalid file is rejected and the running configuration stays',
      responses: { 200: { description: 'The applied changes', schema: ConfigReload } },
    },
    async (c) => c.json((await runtime.reloadConfig()) as object),
  )
  api.route(
    {
      method: 'get',
      path: '/api/v1/events/plugins/:name/config-schema',
      scope: 'read',
      tag,
      summary: "A plugin's configuration as JSON Schema, with defaults and descriptions",
      responses: {
        200: { description: 'Its config schema', schema: PluginConfigSchema },
        404: 'No such plugin',
      },
    },
    (c) => c.json(runtime.pluginConfigSchema(c.req.param('name')!) as object),
  )
  api.route(
    {
      method: 'get',
      path: '/api/v1/events/plugins/:name/config',
      scope: 'read',
      tag,
      summary:
        "The config a running plugin runs with (defaults filled in); fields marked secret() read '[redacted]'",
      responses: {
        200: { description: 'The config it runs with', schema: PluginConfig },
        404: 'No such plugin',
      },
    },
    (c) => c.json(runtime.pluginConfig(c.req.param('name')!) as object),
  )
  read('/plugins/status', 'Status of every plugin', PluginList, () => ({ plugins: runtime.plugins() }))
  read('/plugins/metrics', 'Metrics of every plugin, as JSON', PluginMetrics, () => runtime.pluginMetrics())
  api.route(
    {
      method: 'get',
      path: '/plugins/:name/health',
      scope: 'read',
      tag,
      summary: 'Health checks of one plugin',
      responses: { 200: { description: 'Its health', schema: PluginHealth }, 404: 'No such plugin' },
    },
    async (c) => c.json((await runtime.pluginHealth(c.req.param('name')!)) as object),
  )
  act(
    '/plugins/:name/reload',
    'Reload a plugin from disk: drain, stop, import again, start; no event lost',
    (n) => runtime.reload(n),
  )
  read('/extension-points', 'Extension points and their contributions', ExtensionPoints, () => ({
    extensionPoints: runtime.bus.extensions.list(),
  }))
}
