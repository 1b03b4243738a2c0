import type { myFirstPlugin } from '@switchyard/example-my-first-plugin'
import { definePlugin, SwitchyardError } from '@switchyard/plugin-sdk'
import * as v from 'valibot'

const Broadcast = v.object({ source: v.string(), message: v.record(v.string(), v.unknown()) })

/**
 * Nexus's `CommunicatingPlugin`: `request_data_from_other_plugin` is `GET /data/:id`, a typed
 * `ctx.use<typeof myFirstPlugin>('my-first-plugin').getData(id)` (my-first-plugin is an optional dependency, so this
 * plugin runs without it and answers 503 with the reason while it is not running); `broadcast_message` is
 * `POST /broadcast`, publishing `plugin.message.broadcast` for every plugin to hear.
 *
 * @example
 * ```ts
 * const host = await createTestHost({ plugins: [myFirstPlugin, communicatingPlugin] })
 * await host.request('/plugins/communicating-plugin/data/<id>')
 * ```
 */
export const communicatingPlugin = definePlugin({
  name: 'communicating-plugin',
  version: '1.0.0',
  description:
    'Asks my-first-plugin for its data and broadcasts messages (Nexus plugin communication, ported)',
  optionalDependencies: { 'my-first-plugin': '^1.0.0' },
  permissions: ['http:routes', 'events:publish'],
  publishes: { 'plugin.message.broadcast': { schema: Broadcast, version: '1.0.0' } },
  setup(ctx) {
    const firstPlugin = ctx.use<typeof myFirstPlugin>('my-first-plugin')
    ctx.routes.get('/data/:id', async (c) => {
      try {
        const entry = await firstPlugin.getData(c.req.param('id'))
        return entry === null
          ? c.json({ error: 'not found' }, 404)
          : c.json({ from: 'my-first-plugin', entry })
      } catch (error) {
        if (error instanceof SwitchyardError && error.code === 'E_PROVIDER_UNAVAILABLE')
          return c.json({ error: { code: error.code, message: error.message } }, 503)
        throw error
      }
    })
    ctx.routes.post('/broadcast', async (c) => {
      const message = v.safeParse(
        v.record(v.string(), v.unknown()),
        await c.req.json().catch(() => undefined),
      )
      if (!message.success) return c.json({ error: 'expected a JSON object' }, 400)
      const report = await ctx.publish('plugin.message.broadcast', {
        source: ctx.plugin.name,
        message: message.output,
      })
      return c.json({ eventId: report.eventId }, 202)
    })
  },
})
