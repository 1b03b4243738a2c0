import type { JsonSchema } from '@valibot/to-json-schema'
import type { AnySchema } from '../http/validate.js'
import type { ApiOperation, ApiResponse } from './api-builder.js'
import { openApiPath, pathParameters } from './openapi-path.js'
import { type PluginRoutes, pluginPaths } from './plugin-paths.js'
import { SchemaConverter } from './schema-converter.js'

/** The subset of an OpenAPI 3.1 document the server produces. */
export interface OpenApiDocument {
  openapi: '3.1.0'
  info: { title: string; version: string; description: string }
  tags: { name: string; description?: string }[]
  components: Record<string, Record<string, unknown>>
  paths: Record<string, Record<string, unknown>>
}

/** What `buildOpenApi` needs besides the operations. */
export interface OpenApiOptions {
  version: string
  isPublic: (path: string) => boolean
  /** Named schemas (`ApiBuilder.schemas`), listed once under `components.schemas` and referred to elsewhere. */
  schemas?: Readonly<Record<string, AnySchema>>
  /** The running plugins' own routes, each documented under its plugin's tag. */
  plugins?: readonly PluginRoutes[]
}

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable error code, e.g. E_VALIDATION' },
        message: { type: 'string', description: 'What was wrong and where' },
      },
    },
  },
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

function parametersOf(op: ApiOperation, convert: SchemaConverter): unknown[] {
  const query = op.query
    ? (convert.input(op.query) as { properties?: Record<string, JsonSchema>; required?: string[] })
    : {}
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    schema,
  }))
  return [...pathParameters(op.path), ...inQuery]
}

function requestBodyOf(op: ApiOperation, convert: SchemaConverter): unknown {
  const media: Record<string, AnySchema | null> = {
    ...(op.body ? { 'application/json': op.body } : {}),
    ...op.media,
  }
  const entries = Object.entries(media)
  if (entries.length === 0) return undefined
  const content = Object.fromEntries(
    entries.map(([type, schema]) => [type, { schema: schema ? convert.input(schema) : {} }]),
  )
  return { required: true, content }
}

function responseOf(status: number, answer: string | ApiResponse, convert: SchemaConverter): unknown {
  if (typeof answer === 'string') return status >= 400 ? errorResponse(answer) : { description: answer }
  const media = answer.media ?? 'application/json'
  const schema = answer.schema ? convert.output(answer.schema) : { type: 'string' }
  return { description: answer.description, content: { [media]: { schema } } }
}

function operationOf(op: ApiOperation, isPublic: boolean, convert: SchemaConverter): Record<string, unknown> {
  const responses: Record<string, unknown> = Object.fromEntries(
    Object.entries(op.responses).map(([status, answer]) => [
      status,
      responseOf(Number(status), answer, convert),
    ]),
  )
  if (op.eventStream) {
    const ok = (responses['200'] ?? { description: op.eventStream }) as { content?: Record<string, unknown> }
    const stream = { 'text/event-stream': { schema: { type: 'string', description: op.eventStream } } }
    responses['200'] = { ...ok, content: { ...ok.content, ...stream } }
  }
  if (op.body || op.query || op.media) responses['400'] = errorResponse('Malformed or invalid request')
  if (op.body || op.media) responses['413'] = errorResponse('Body larger than server.body_limit_bytes')
  if (!isPublic) {
    responses['401'] = errorResponse('Missing or unknown bearer token')
    responses['403'] = errorResponse(`Token lacks the "${op.scope}" scope`)
  }
  const requestBody = requestBodyOf(op, convert)
  return {
    operationId: `${op.method}${openApiPath(op.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    summary: op.summary,
    tags: [op.tag],
    'x-scope': op.scope,
    security: isPublic ? [] : [{ bearer: [] }],
    parameters: parametersOf(op, convert),
    ...(requestBody ? { requestBody } : {}),
    responses,
  }
}

/**
 * Builds the OpenAPI 3.1 document of the registered operations and the running plugins' routes. Request and
 * response schemas are converted from the very valibot schemas that validate the requests and describe the
 * answers; named schemas become `components.schemas` entries.
 *
 * @example
 * ```ts
 * const doc = buildOpenApi(api.operations, { version: '0.1.0', isPublic: (p) => p === '/healthz', schemas: api.namedSchemas })
 * ```
 */
export function buildOpenApi(operations: readonly ApiOperation[], options: OpenApiOptions): OpenApiDocument {
  const convert = new SchemaConverter(options.schemas ?? {})
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of operations) {
    const path = openApiPath(op.path)
    paths[path] = {
      ...paths[path],
      [op.method]: operationOf(op, op.public === true || options.isPublic(op.path), convert),
    }
  }
  const plugins = options.plugins ?? []
  for (const [path, methods] of Object.entries(pluginPaths(plugins, errorResponse))) {
    // The server's own routes under /plugins (status, health, reload) take precedence, as they do when routing.
    paths[path] = { ...methods, ...paths[path] }
  }
  const tags = [...new Set(operations.map((op) => op.tag))].map((name) => ({ name }))
  for (const { plugin, description } of plugins) {
    tags.push({ name: plugin, ...(description ? { description } : {}) })
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard',
      version: options.version,
      description:
        'Event ingest and management API of a Switchyard server, and the routes of its running plugins (under /plugins/<name>, tagged with the plugin). Errors are { error: { code, message } }.',
    },
    tags,
    components: {
      schemas: { Error: ERROR_SCHEMA, ...convert.components() },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    paths,
  }
}
