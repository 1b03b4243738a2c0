import * as v from 'valibot'
import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'

/**
 * `GET /api/v1/config`: the configuration in force (after the last successful reload), secrets redacted; what the
 * admin UI's Config page shows. `POST /api/v1/events/reload-config` reloads it.
 *
 * @example
 * ```ts
 * configRoutes(api, runtime)
 * ```
 */
export function configRoutes(api: ApiBuilder, runtime: ServerRuntime): void {
  api.route(
    {
      method: 'get',
      path: '/api/v1/config',
      scope: 'read',
      tag: 'plugins',
      summary:
        "The configuration in force, secrets redacted: tokens, secret-named values, URL passwords and plugins' secret() fields read '[redacted]'",
      responses: {
        200: {
          description: 'The configuration, keys as in the YAML file',
          schema: v.record(v.string(), v.unknown()),
        },
      },
    },
    (c) => c.json(runtime.effectiveConfig() as Record<string, unknown>),
  )
}
