import { type JsonSchema, toJsonSchema } from '@valibot/to-json-schema'
import type { AnySchema } from '../http/validate.js'
import type { ApiOperation } from './api-builder.js'

/** The subset of an OpenAPI 3.1 document the server produces. */
export interface OpenApiDocument {
  openapi: '3.1.0'
  info: { title: string; version: string; description: string }
  components: Record<string, Record<string, unknown>>
  paths: Record<string, Record<string, unknown>>
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
}

const jsonSchema = (schema: AnySchema): JsonSchema =>
  toJsonSchema(schema, { target: 'draft-2020-12', errorMode: 'ignore' })

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

const PARAM = /:([A-Za-z_]\w*)(\{[^}]*\})?/g

/** `/api/v1/events/:id/deliveries` -> `/api/v1/events/{id}/deliveries` (Hono's `{regex}` constraints dropped). */
export const openApiPath = (path: string): string => path.replace(PARAM, '{$1}')

function parametersOf(op: ApiOperation): unknown[] {
  const inPath = [...op.path.matchAll(PARAM)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }))
  const query = op.query
    ? (jsonSchema(op.query) as { properties?: Record<string, JsonSchema>; required?: string[] })
    : {}
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    schema,
  }))
  return [...inPath, ...inQuery]
}

function requestBodyOf(op: ApiOperation): unknown {
  const media: Record<string, AnySchema | null> = {
    ...(op.body ? { 'application/json': op.body } : {}),
    ...op.media,
  }
  const entries = Object.entries(media)
  if (entries.length === 0) return undefined
  const content = Object.fromEntries(
    entries.map(([type, schema]) => [type, schema ? { schema: jsonSchema(schema) } : { schema: {} }]),
  )
  return { required: true, content }
}

function operationOf(op: ApiOperation, isPublic: boolean): Record<string, unknown> {
  const responses: Record<string, unknown> = Object.fromEntries(
    Object.entries(op.responses).map(([status, description]) => [status, { description }]),
  )
  if (op.body || op.query || op.media) responses['400'] = errorResponse('Malformed or invalid request')
  if (op.body || op.media) responses['413'] = errorResponse('Body larger than server.body_limit_bytes')
  if (!isPublic) {
    responses['401'] = errorResponse('Missing or unknown bearer token')
    responses['403'] = errorResponse(`Token lacks the "${op.scope}" scope`)
  }
  const requestBody = requestBodyOf(op)
  return {
    operationId: `${op.method}${openApiPath(op.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    summary: op.summary,
    tags: [op.tag],
    'x-scope': op.scope,
    security: isPublic ? [] : [{ bearer: [] }],
    parameters: parametersOf(op),
    ...(requestBody ? { requestBody } : {}),
    responses,
  }
}

/**
 * Builds the OpenAPI 3.1 document of the registered operations; request schemas are converted from the very
 * valibot schemas that validate the requests.
 *
 * @example
 * ```ts
 * const doc = buildOpenApi(api.operations, { version: '0.1.0', isPublic: (p) => p === '/healthz' })
 * ```
 */
export function buildOpenApi(
  operations: readonly ApiOperation[],
  options: { version: string; isPublic: (path: string) => boolean },
): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of operations) {
    const path = openApiPath(op.path)
    paths[path] = { ...paths[path], [op.method]: operationOf(op, options.isPublic(op.path)) }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard',
      version: options.version,
      description:
        'Event ingest and management API of a Switchyard server. Errors are { error: { code, message } }.',
    },
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    paths,
  }
}
