import * as v from 'valibot'
import { HealthResult } from './plugin-responses.js'

const text = (description: string) => v.pipe(v.string(), v.description(description))

/** `/healthz`: `{ status }` for anyone; with a token granting read, the plugins, checks, failures and event loop. */
export const ServerHealth = v.object({
  status: v.picklist(['ok', 'degraded', 'error']),
  plugins: v.optional(v.record(v.string(), HealthResult)),
  checks: v.optional(v.array(v.object({ owner: v.optional(v.string()), result: HealthResult }))),
  failed: v.optional(v.pipe(v.record(v.string(), v.string()), v.description('Failed plugins and why'))),
  eventLoop: v.optional(
    v.object({ maxDelayMs: v.number(), p99DelayMs: v.number(), stallMs: v.optional(v.number()) }),
  ),
})

/** `/readyz`: `{ status }` for anyone; with a token granting read, the reasons. */
export const Readiness = v.object({
  status: v.picklist(['ready', 'not_ready', 'starting', 'stopping']),
  reasons: v.optional(v.array(v.string())),
})

/** `/openapi.json`: an OpenAPI 3.1 document (this one). */
export const OpenApiDocument = v.looseObject({
  openapi: v.literal('3.1.0'),
  info: v.looseObject({ title: v.string(), version: v.string() }),
  paths: v.record(v.string(), v.unknown()),
})

/** A registered service (`ServiceRecord` of @switchyard/core). */
export const ServiceRecord = v.object({
  id: v.string(),
  name: v.string(),
  version: v.optional(v.string()),
  address: v.optional(v.string()),
  healthUrl: v.optional(v.string()),
  tags: v.optional(v.array(v.string())),
  metadata: v.optional(v.record(v.string(), v.nullable(v.union([v.string(), v.number(), v.boolean()])))),
  owner: text('The plugin that registered it'),
  node: text('The server node it runs on'),
  registeredAt: text('RFC 3339'),
})

/** `200` of `GET /api/v1/services`. */
export const ServiceList = v.object({ services: v.array(ServiceRecord) })

/** One management request in the audit trail. */
export const AuditRecord = v.object({
  id: v.string(),
  time: text('RFC 3339'),
  token: v.pipe(
    v.nullable(v.string()),
    v.description('The name of the token, or of the principal a plugin authenticated; null without one'),
  ),
  scopes: v.array(v.string()),
  authenticatedBy: v.optional(text('The plugin whose auth.authenticate named the principal')),
  method: v.string(),
  path: v.string(),
  action: text('Method and route, e.g. POST /api/v1/plugins/install'),
  target: v.pipe(v.nullable(v.string()), v.description('The plugin, dead letter… acted on')),
  status: v.number(),
  requestId: v.string(),
  source: text('The client address'),
})

/** `200` of `GET /api/v1/audit`. */
export const AuditPage = v.object({
  records: v.array(AuditRecord),
  next: v.pipe(v.nullable(v.string()), v.description('The `after` of the next page; null on the last one')),
})
