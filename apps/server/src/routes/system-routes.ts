import type { Context } from 'hono'
import type { ServerEnv } from '../http/server-env.js'
import type { ApiBuilder } from '../openapi/api-builder.js'
import { buildOpenApi } from '../openapi/openapi.js'
import { scalarReference } from '../openapi/scalar-reference.js'
import type { ServerMetrics } from '../runtime/server-metrics.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { OpenApiDocument, Readiness, ServerHealth } from './responses/server-responses.js'

/**
 * `/healthz`, `/readyz`, `/metrics` (Prometheus), `/openapi.json` and `/docs` (Scalar's API reference of it).
 * Register last: the OpenAPI document describes every operation registered before its first request, and the
 * routes of the plugins running at that moment.
 *
 * @example
 * ```ts
 * systemRoutes(api, { runtime, metrics, version: '0.1.0', isPublic: (p) => access.isPublic(p), canRead: (c) => access.grants(c.req.header('authorization'), 'read') })
 * ```
 */
export function systemRoutes(
  api: ApiBuilder,
  options: {
    runtime: ServerRuntime
    metrics: ServerMetrics
    version: string
    isPublic: (path: string) => boolean
    /** Whether the request is granted `read`: only then do the health bodies carry details. */
    canRead: (c: Context<ServerEnv>) => boolean | Promise<boolean>
  },
): void {
  const { runtime, metrics } = options
  const tag = 'system'
  api.route(
    {
      method: 'get',
      path: '/healthz',
      scope: 'read',
      tag,
      summary:
        'Aggregated health: `{ status }` (ok, degraded, error); with a token granting read, each plugin, check, failure and the event loop',
      responses: {
        200: { description: 'ok or degraded', schema: ServerHealth },
        503: { description: 'error, or starting', schema: ServerHealth },
      },
    },
    async (c) => {
      const health = await runtime.health()
      const body = (await options.canRead(c)) ? health : { status: health.status }
      return c.json(body, health.status === 'error' ? 503 : 200)
    },
  )
  api.route(
    {
      method: 'get',
      path: '/readyz',
      scope: 'read',
      tag,
      summary:
        'Whether the server takes events now: `{ status }` (ready, not_ready, starting, stopping); with a token granting read, the reasons',
      responses: {
        200: { description: 'Ready', schema: Readiness },
        503: {
          description:
            'Not ready: starting, stopping, a failed plugin, the store or transport down, an event-loop stall',
          schema: Readiness,
        },
      },
    },
    async (c) => {
      const { ready, status, reasons } = await runtime.readiness()
      const body = (await options.canRead(c)) ? { status, reasons } : { status }
      return c.json(body, ready ? 200 : 503)
    },
  )
  api.route(
    {
      method: 'get',
      path: '/metrics',
      // Public when the server listens on loopback (see publicPaths); else a token with metrics (or read).
      scope: 'metrics',
      tag,
      summary: 'Prometheus metrics of the server and its plugins',
      responses: { 200: { description: 'Prometheus text format 0.0.4', media: 'text/plain' } },
    },
    async (c) => {
      // The server's metrics live in the host's registry (given to it at start), so one text has them all.
      return c.text(await runtime.metricsText(), 200, { 'content-type': metrics.registry.contentType })
    },
  )

  // Built per request: public paths change on config reload, plugins come and go, and the document is small.
  const openApi = () =>
    buildOpenApi(api.operations, {
      version: options.version,
      isPublic: options.isPublic,
      schemas: api.namedSchemas,
      plugins: runtime
        .plugins()
        .filter((plugin) => plugin.state === 'started')
        .map(({ name, description, routes }) => ({
          plugin: name,
          routes,
          ...(description === undefined ? {} : { description }),
        })),
    })
  api.route(
    {
      method: 'get',
      path: '/openapi.json',
      scope: 'read',
      tag,
      summary:
        'This API as OpenAPI 3.1, generated from the validating schemas, with the running plugins’ routes',
      responses: { 200: { description: 'The document', schema: OpenApiDocument } },
    },
    (c) => c.json(openApi()),
  )
  const page = scalarReference({ title: `Switchyard API ${options.version}` })
  api.route(
    {
      method: 'get',
      path: '/docs',
      scope: 'read',
      tag,
      summary: 'API reference page (Scalar, served offline by this server)',
      responses: { 200: { description: 'The page', media: 'text/html' } },
    },
    (c) => page(c),
  )
}
