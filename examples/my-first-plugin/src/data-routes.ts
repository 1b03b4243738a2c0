import type { PluginContext } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import type { MyFirstPluginConfig } from './config.js'
import type { DataTable } from './data-table.js'

const NewEntry = v.object({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  value: v.optional(v.string(), ''),
})

/**
 * Nexus's endpoints, mounted at `/plugins/my-first-plugin`: `GET /status`, `POST /data` (`{ name, value? }`: 201 with
 * the entry, 400 without a name, 409 past `max_entries`), `GET /data` (newest first) and `GET /data/:id`.
 *
 * @example
 * ```ts
 * addDataRoutes(ctx, dataTable(ctx.db))
 * ```
 */
export function addDataRoutes(
  ctx: Pick<PluginContext<MyFirstPluginConfig>, 'routes' | 'plugin' | 'config'>,
  table: DataTable,
): void {
  const { routes, plugin, config } = ctx
  routes.get('/status', (c) => c.json({ plugin: plugin.name, version: plugin.version, status: 'running' }))
  routes.post('/data', async (c) => {
    const body = v.safeParse(NewEntry, await c.req.json().catch(() => undefined))
    if (!body.success) return c.json({ error: 'Name is required (1 to 100 characters)' }, 400)
    if ((await table.count()) >= config.max_entries)
      return c.json({ error: `max_entries (${config.max_entries}) reached` }, 409)
    return c.json(await table.insert(body.output.name, body.output.value), 201)
  })
  routes.get('/data', async (c) => c.json({ data: await table.list() }))
  routes.get('/data/:id', async (c) => {
    const entry = await table.get(c.req.param('id'))
    return entry === null ? c.json({ error: 'not found' }, 404) : c.json(entry)
  })
}
