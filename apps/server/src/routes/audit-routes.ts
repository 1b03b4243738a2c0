import type { ApiBuilder } from '../openapi/api-builder.js'
import type { ServerRuntime } from '../runtime/server-runtime.js'
import { AuditPage, AuditRecord } from './responses/server-responses.js'
import { AuditListQuery } from './schemas.js'

const DEFAULT_LIMIT = 100

/**
 * `GET /api/v1/audit` (admin scope): the audit trail of management requests, oldest first, filtered by time
 * range, token and action, paged with `?after=<last id>`.
 *
 * @example
 * ```ts
 * auditRoutes(api, runtime)
 * ```
 */
export function auditRoutes(api: ApiBuilder, runtime: ServerRuntime): void {
  api.schemas({ AuditRecord })
  api.route(
    {
      method: 'get',
      path: '/api/v1/audit',
      scope: 'admin',
      tag: 'audit',
      summary:
        'Management requests recorded in the audit trail, oldest first: filter with from/to (RFC 3339), token, action (text it contains); page with ?after=<last id>',
      query: AuditListQuery,
      responses: { 200: { description: 'One page of audit records', schema: AuditPage } },
    },
    async (c, { query }) => {
      const limit = query.limit ?? DEFAULT_LIMIT
      const records = await runtime.store.listAuditRecords({ ...query, limit })
      const next = records.length === limit ? (records.at(-1)?.id ?? null) : null
      return c.json({ records, next })
    },
  )
}
