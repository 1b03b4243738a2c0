import { Hono } from 'hono'
import type { PluginRuntime } from '../runtime/plugin-runtime.js'

/**
 * A Hono app serving `/plugins/<name>/...` from the routes of whichever runtime `lookup` returns at request time,
 * so enabling, disabling and reloading a plugin needs no re-mount. Unknown or stopped plugins answer 404
 * `{ error: { code: 'E_NOT_FOUND', message } }`.
 *
 * @example
 * ```ts
 * const app = createPluginsApp((name) => runtimes.get(name))
 * const res = await app.request('/plugins/audit-log/status')
 * ```
 */
export function createPluginsApp(lookup: (name: string) => PluginRuntime | undefined): Hono {
  const app = new Hono()
  const dispatch = (name: string, request: Request): Response | Promise<Response> => {
    const url = new URL(request.url)
    url.pathname = url.pathname.slice(`/plugins/${name}`.length) || '/'
    const response = lookup(name)?.fetch(new Request(url, request))
    if (response !== undefined) return response
    const message = `plugin "${name}" is not running or has no routes`
    return Response.json({ error: { code: 'E_NOT_FOUND', message } }, { status: 404 })
  }
  app.all('/plugins/:plugin{[^/]+}', (c) => dispatch(c.req.param('plugin'), c.req.raw))
  app.all('/plugins/:plugin{[^/]+}/*', (c) => dispatch(c.req.param('plugin'), c.req.raw))
  return app
}
