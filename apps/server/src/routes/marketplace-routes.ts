import type { Logger } from '@switchyard/core'
import { InstallRequestSchema, type ProgressListener, UpgradeRequestSchema } from '@switchyard/marketplace'
import { MarketplaceDisabledError } from '../errors.js'
import type { ApiBuilder } from '../openapi/api-builder.js'
import type { MarketplaceApi, ServerRuntime } from '../runtime/server-runtime.js'
import { progressStream, wantsEventStream } from './progress-stream.js'
import { InstalledPlugin, MarketplaceCatalog, UpgradeResult } from './responses/marketplace-responses.js'
import { UninstallQuery } from './schemas.js'

const STEPS =
  'With Accept: text/event-stream: `event: progress` per step ({ step: resolve|download|verify|extract|dependencies|load|swap, status: started|progress|done|failed, detail?, bytes?, totalBytes?, error? }), then `event: result` ({ status, body }: the JSON answer) or `event: error` ({ status, error: { code, message } }); the failed step is the last progress event'

/**
 * `GET /api/v1/plugins/marketplace`, `POST /api/v1/plugins/install`, `POST /api/v1/plugins/upgrade` and
 * `DELETE /api/v1/plugins/uninstall/{name}[?force=true]`. Install and upgrade stream their steps as Server-Sent
 * Events when asked (`Accept: text/event-stream`).
 *
 * @example
 * ```ts
 * marketplaceRoutes(api, runtime, logger)
 * ```
 */
export function marketplaceRoutes(api: ApiBuilder, runtime: ServerRuntime, logger: Logger): void {
  const tag = 'marketplace'
  api.schemas({ InstalledPlugin })
  const marketplace = (): MarketplaceApi => {
    if (!runtime.marketplace) throw new MarketplaceDisabledError()
    return runtime.marketplace
  }
  api.route(
    {
      method: 'get',
      path: '/api/v1/plugins/marketplace',
      scope: 'read',
      tag,
      summary: 'Plugins available from the registry and the configured indexes',
      responses: {
        200: { description: 'The catalog', schema: MarketplaceCatalog },
        409: 'Marketplace disabled',
      },
    },
    async (c) => c.json((await marketplace().list()) as object),
  )
  api.route(
    {
      method: 'post',
      path: '/api/v1/plugins/install',
      scope: 'admin',
      tag,
      summary:
        'Install a plugin by name/range, or from a tarball/zip URL with an optional sha256 and Ed25519 signature (key_id, signature); nothing changes on failure',
      body: InstallRequestSchema,
      eventStream: STEPS,
      responses: {
        201: { description: 'The installed plugin', schema: InstalledPlugin },
        409: 'Marketplace disabled',
        403: 'Source not in marketplace.allowed_sources',
        422: 'Integrity, signature (E_SIGNATURE) or load failure',
      },
    },
    async (c, { body }) => {
      c.set('auditTarget', 'name' in body ? body.name : body.download_url)
      const install = marketplace()
      if (wantsEventStream(c))
        return progressStream(c, logger, (onProgress) => install.install(body, { onProgress }), 201)
      return c.json((await install.install(body)) as object, 201)
    },
  )
  api.route(
    {
      method: 'post',
      path: '/api/v1/plugins/upgrade',
      scope: 'admin',
      tag,
      summary:
        'Upgrade an installed plugin to the newest version matching `version` (latest by default); if the new one fails to start, the old one keeps running. A version signed by another key than the installed one is refused unless `force`',
      body: UpgradeRequestSchema,
      eventStream: STEPS,
      responses: {
        200: { description: 'The plugin after the upgrade', schema: UpgradeResult },
        404: 'Not installed, or no such version',
        409: 'Marketplace disabled, or installed from a URL',
        422: 'The new version was refused (integrity, signature) or failed to start (rolled back)',
      },
    },
    async (c, { body }) => {
      const current = marketplace()
      const upgrade = (onProgress?: ProgressListener) =>
        current.upgrade(body.name, body.version, {
          force: body.force ?? false,
          ...(onProgress ? { onProgress } : {}),
        })
      if (wantsEventStream(c)) return progressStream(c, logger, upgrade, 200)
      return c.json((await upgrade()) as object)
    },
  )
  api.route(
    {
      method: 'delete',
      path: '/api/v1/plugins/uninstall/:name{.+}',
      scope: 'admin',
      tag,
      summary:
        'Stop, remove and forget an installed plugin; refused while other plugins depend on it unless force=true; its SQL data (ctx.db) stays unless purge=true',
      query: UninstallQuery,
      responses: {
        200: { description: 'The removed plugin', schema: InstalledPlugin },
        404: 'Not installed',
        409: 'Marketplace disabled, or other plugins depend on it',
      },
    },
    async (c, { query }) => c.json((await marketplace().uninstall(c.req.param('name')!, query)) as object),
  )
}
