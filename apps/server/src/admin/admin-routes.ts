import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Hono } from 'hono'
import { compress } from 'hono/compress'
import { RouteNotFoundError } from '../errors.js'
import type { ServerEnv } from '../http/server-env.js'
import { adminHeaders } from './admin-headers.js'

/** What `/admin` answers when the UI was not built (a server run from a checkout without `pnpm build`). */
const NOT_BUILT =
  'The admin UI is not built: run `pnpm build` (or `pnpm --filter @switchyard/admin build`) and restart.'

/**
 * Serves the admin UI at `/admin`: hashed assets under `/admin/assets/` (cached for a year, compressed), and
 * `index.html` for every other path below `/admin` so the UI's own routes (`/admin/plugins`) load on refresh.
 * The files are static and public; everything they show comes from the API, behind the session cookie.
 *
 * @example
 * ```ts
 * adminRoutes(app, adminAssetsDir())
 * ```
 */
export function adminRoutes(app: Hono<ServerEnv>, root: string | undefined): void {
  app.use('/admin', adminHeaders)
  app.use('/admin/*', adminHeaders)
  app.get('/admin', (c) => c.redirect('/admin/', 301))
  if (root === undefined) {
    app.get('/admin/*', (c) => c.text(NOT_BUILT, 503))
    return
  }
  app.get(
    '/admin/assets/*',
    compress(),
    serveStatic({
      root,
      rewriteRequestPath: (path) => path.slice('/admin'.length),
      onFound: (_path, c) => {
        c.header('cache-control', 'public, max-age=31536000, immutable')
      },
    }),
    (c) => {
      throw new RouteNotFoundError(c.req.method, c.req.path)
    },
  )
  let page: Promise<string> | undefined
  app.get('/admin/*', async (c) => {
    page ??= readFile(join(root, 'index.html'), 'utf8')
    c.header('cache-control', 'no-cache')
    return c.html(await page)
  })
}
