import type { Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type * as v from 'valibot'
import type { AccessControl } from '../auth/access-control.js'
import type { Scope } from '../auth/token-auth.js'
import { PayloadTooLargeError } from '../errors.js'
import { readBodyText } from '../http/request-body.js'
import type { ServerEnv } from '../http/server-env.js'
import { type AnySchema, parseInput, parseJson } from '../http/validate.js'

/** One documented operation: what `/openapi.json` and the reference page are made of. */
export interface ApiOperation {
  method: 'get' | 'post' | 'delete'
  /** Hono path syntax: `/api/v1/events/:id/deliveries`. */
  path: string
  scope: Scope
  /** No token needed: the handler authenticates the request itself (the admin UI's session endpoints). */
  public?: boolean
  tag: string
  summary: string
  /** Validated JSON body (also documented as `application/json`). */
  body?: AnySchema
  /** Validated query string (an object schema of strings). */
  query?: v.ObjectSchema<v.ObjectEntries, undefined>
  /**
   * With `Accept: text/event-stream` the operation answers 200 with Server-Sent Events: what they carry, documented
   * as a `text/event-stream` alternative of the 200 answer.
   */
  eventStream?: string
  /** Further request media types the handler parses itself, documented only (`null`: any content). */
  media?: Record<string, AnySchema | null>
  /**
   * Status -> the answer. A string is a description alone: for an error status the body is the `Error` schema,
   * for a success status there is no body (204). An `ApiResponse` gives the body's schema.
   */
  responses: Record<number, string | ApiResponse>
}

/** One documented answer: a description and the valibot schema of its body (JSON unless `media` says otherwise). */
export interface ApiResponse {
  description: string
  /** The body's schema; for a text `media` (`text/html`, `text/plain`) leave it out: the body is a string. */
  schema?: AnySchema
  /** The body's media type, `application/json` by default. */
  media?: string
}

type Output<S> = S extends AnySchema ? v.InferOutput<S> : undefined

/** What a handler receives besides the context: the validated body and query. */
export interface ApiInput<B, Q> {
  body: Output<B>
  query: Output<Q>
  /** The body as text, read within the body limit, for operations with a `body` or `media`; else `''`. */
  text: string
}

/**
 * Registers routes on a Hono app with auth (the operation's scope), body limit and valibot validation in
 * front of the handler, and keeps their descriptions for `/openapi.json`: one declaration both validates
 * and documents.
 *
 * @example
 * ```ts
 * api.route({ method: 'post', path: '/api/v1/events/explain', scope: 'read', tag: 'events',
 *   summary: 'Dry run', body: PlainEventBody, responses: { 200: 'Which handlers it reaches' } },
 *   (c, { body }) => c.json(bus.explain(toEvent(body))))
 * ```
 */
export class ApiBuilder {
  readonly #app: Hono<ServerEnv>
  readonly #access: AccessControl
  readonly #bodyLimitBytes: number
  readonly #jsonDepth: number
  readonly #operations: ApiOperation[] = []
  readonly #schemas: Record<string, AnySchema> = {}

  /** `jsonDepth` (`limits.json_depth`, 64 by default) bounds validated JSON bodies below their top level. */
  constructor(app: Hono<ServerEnv>, access: AccessControl, bodyLimitBytes: number, jsonDepth = 64) {
    this.#app = app
    this.#access = access
    this.#bodyLimitBytes = bodyLimitBytes
    this.#jsonDepth = jsonDepth
  }

  /** The operations registered so far, in registration order. */
  get operations(): readonly ApiOperation[] {
    return this.#operations
  }

  /** The named schemas registered with `schemas`, by name: `components.schemas` of the document. */
  get namedSchemas(): Readonly<Record<string, AnySchema>> {
    return this.#schemas
  }

  /**
   * Names schemas used in requests or responses: the document lists each once under `components.schemas` and
   * refers to it wherever it appears (`$ref`), so a reader sees `PluginStatus` rather than its fields again.
   *
   * @example
   * ```ts
   * api.schemas({ PluginStatus, DeadLetter })
   * ```
   */
  schemas(named: Record<string, AnySchema>): void {
    Object.assign(this.#schemas, named)
  }

  /**
   * Middleware that answers 413 with `E_BODY_TOO_LARGE` past the configured body size, for plugin routes that
   * get the request itself rather than its text.
   */
  limitBody(): ReturnType<typeof bodyLimit> {
    const maxSize = this.#bodyLimitBytes
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new PayloadTooLargeError(
          `request body exceeds the limit of ${maxSize} bytes (server.body_limit_bytes)`,
        )
      },
    })
  }

  /** Registers `handler` for `op` behind auth, the body limit and validation. */
  route<const O extends ApiOperation>(
    op: O,
    handler: (c: Context<ServerEnv>, input: ApiInput<O['body'], O['query']>) => Response | Promise<Response>,
  ): void {
    this.#operations.push(op)
    const { body, query, scope } = op
    const access = this.#access
    const maxBytes = this.#bodyLimitBytes
    const maxDepth = this.#jsonDepth + 1
    const hasBody = body !== undefined || op.media !== undefined
    // Auth before the body is read; the body limit is enforced while reading it.
    const action = `${op.method.toUpperCase()} ${op.path}`
    this.#app.on(op.method.toUpperCase(), op.path, async (c) => {
      c.set('auditAction', action)
      const target = c.req.param('name') ?? c.req.param('id')
      if (target !== undefined) c.set('auditTarget', target)
      const pending = op.public ? undefined : access.check(c, scope)
      if (pending !== undefined) await pending
      const text = hasBody ? await readBodyText(c, maxBytes) : ''
      const input = {
        body: body ? parseInput(body, parseJson(text, maxDepth, 1), 'body') : undefined,
        query: query ? parseInput(query, c.req.query(), 'query') : undefined,
        text,
      } as ApiInput<O['body'], O['query']>
      return handler(c, input)
    })
  }
}
