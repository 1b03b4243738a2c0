import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Scalar } from '@scalar/hono-api-reference'
import type { Context, Handler } from 'hono'
import type { ServerEnv } from '../http/server-env.js'

/** Where the server serves Scalar's standalone bundle: the reference page loads it from here, never from a CDN. */
export const SCALAR_BUNDLE_PATH = '/docs/scalar.js'

/**
 * The `/docs` page: Scalar's API reference of `/openapi.json`. Everything it loads comes from this server (the
 * bundle at `SCALAR_BUNDLE_PATH`, the document), with Scalar's web fonts, telemetry, AI agent and developer
 * toolbar off, so it renders on a machine that reaches no other host.
 *
 * @example
 * ```ts
 * const page = scalarReference({ title: 'Switchyard API 0.1.0' })
 * app.get('/docs', (c) => page(c))
 * ```
 */
export function scalarReference(options: { title: string }): (c: Context<ServerEnv>) => Promise<Response> {
  const page = Scalar<ServerEnv>({
    url: '/openapi.json',
    cdn: SCALAR_BUNDLE_PATH,
    pageTitle: options.title,
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    showDeveloperTools: 'never',
    authentication: { preferredSecurityScheme: 'bearer' },
    // The "Test request" client uses the page's own origin, not Scalar's proxy.
    proxyUrl: '',
  })
  // The middleware always answers (it never calls `next`).
  return async (c) => (await page(c, async () => {})) as Response
}

/**
 * Serves `@scalar/api-reference`'s standalone browser bundle from the installed package, read once and kept.
 *
 * @example
 * ```ts
 * app.get(SCALAR_BUNDLE_PATH, scalarBundle())
 * ```
 */
export function scalarBundle(): Handler<ServerEnv> {
  let bundle: Promise<string> | undefined
  return async (c) => {
    bundle ??= readFile(bundleFile(), 'utf8')
    return c.body(await bundle, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    })
  }
}

// The package's `exports` do not list its browser build: find it from the main entry (`dist/index.js`).
const bundleFile = () =>
  join(dirname(fileURLToPath(import.meta.resolve('@scalar/api-reference'))), 'browser', 'standalone.js')
