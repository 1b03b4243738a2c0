import * as v from 'valibot'
import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { ServiceList, ServiceRecord } from './responses/server-responses.js'

/**
 * Query of `GET /api/v1/services`: every given field must match; `tags` is comma-separated and all must be on
 * the service.
 *
 * @example
 * ```ts
 * v.parse(ServiceListQuery, { name: 'billing', tags: 'eu,primary' }) // { name: 'billing', tags: ['eu', 'primary'] }
 * ```
 */
export const ServiceListQuery = v.object({
  id: v.optional(v.pipe(v.string(), v.minLength(1))),
  name: v.optional(v.pipe(v.string(), v.minLength(1))),
  tags: v.optional(
    v.pipe(
      v.string(),
      v.transform((text) => text.split(',').filter((tag) => tag !== '')),
    ),
  ),
})

/**
 * `GET /api/v1/services`: the service registry (this node's, or the cluster's on NATS) with what
 * `service.discover` contributions answer.
 *
 * @example
 * ```ts
 * serviceRoutes(api, runtime)
 * ```
 */
export function serviceRoutes(api: ApiBuilder, runtime: ServerRuntime): void {
  api.schemas({ ServiceRecord })
  api.route(
    {
      method: 'get',
      path: '/api/v1/services',
      scope: 'read',
      tag: 'services',
      summary: 'Registered services (cluster-wide on NATS); filter with ?name=, ?id=, ?tags=a,b',
      query: ServiceListQuery,
      responses: {
        200: { description: 'The services that match', schema: ServiceList },
      },
    },
    async (c, { query }) => c.json({ services: await runtime.services(query) }),
  )
}
