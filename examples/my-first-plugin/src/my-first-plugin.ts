import { definePlugin } from '@switchyard/plugin-sdk'
import * as v from 'valibot'
import { configSchema } from './config.js'
import { addDataRoutes } from './data-routes.js'
import { dataTable, migrations } from './data-table.js'

const UserCreated = v.object({ user_id: v.string(), username: v.string() })

/**
 * Nexus's `MyFirstPlugin` as a Switchyard plugin: its table comes from `migrations`, its endpoints are Hono routes,
 * `on_user_created` is a handler of `user.created` writing a welcome entry (and, with `enable_notifications`,
 * publishing `user.welcomed`), and its `get_data` is a provided function other plugins call with
 * `ctx.use<typeof myFirstPlugin>('my-first-plugin').getData(id)`.
 *
 * @example
 * ```ts
 * const host = await createTestHost({ plugins: [myFirstPlugin] })
 * await host.publish('user.created', { user_id: 'u1', username: 'ada' })
 * ```
 */
export const myFirstPlugin = definePlugin({
  name: 'my-first-plugin',
  version: '1.0.0',
  description: 'A simple example plugin (Nexus my-first-plugin, ported)',
  permissions: ['database:read', 'database:write', 'events:subscribe', 'events:publish', 'http:routes'],
  config: configSchema,
  migrations,
  consumes: { 'user.created': { schema: UserCreated } },
  publishes: {
    'user.welcomed': { schema: v.object({ user_id: v.string(), entry_id: v.string() }), version: '1.0.0' },
  },
  // What other plugins may call (Nexus: get_plugin('my-first-plugin').get_data(id)).
  provides: (ctx) => ({
    getData: (id: string) => dataTable(ctx.db).get(id),
  }),
  setup(ctx) {
    const table = dataTable(ctx.db)
    addDataRoutes(ctx, table)
    ctx.on<v.InferOutput<typeof UserCreated>>(
      'user.created',
      async (event) => {
        const { user_id, username } = event.data
        ctx.logger.info({ user_id }, `New user created: ${username}`)
        const entry = await table.insert(`welcome_${username}`, `Welcome to Switchyard, ${username}!`)
        if (ctx.config.enable_notifications)
          await ctx.publish('user.welcomed', { user_id, entry_id: entry.id })
      },
      { name: 'my_first_plugin_user_created' },
    )
  },
})
