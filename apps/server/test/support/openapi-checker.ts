import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'

interface MediaObject {
  schema?: Record<string, unknown>
}
interface ResponseObject {
  content?: Record<string, MediaObject>
}
interface OperationObject {
  responses: Record<string, ResponseObject>
}
type Document = {
  openapi: string
  components: Record<string, unknown>
  paths: Record<string, Record<string, OperationObject>>
}

/** One answer as a client saw it. */
export interface SeenResponse {
  method: string
  /** The request path, without the query. */
  path: string
  status: number
  /** Media type without parameters (`application/json`); '' when there was no body. */
  media: string
  body: string
}

/**
 * Checks answers of a real server against its own `/openapi.json`: the document is first validated by
 * the OpenAPI 3.1 JSON Schema (`@seriousme/openapi-schema-validator`), then each answer is matched to its
 * operation and status (or `default`) and its body validated with the declared schema (ajv, draft 2020-12).
 * It remembers which operations it saw, so a test can tell which ones no request exercised.
 *
 * @example
 * ```ts
 * const checker = await OpenApiChecker.fromDocument(await (await fetch(`${url}/openapi.json`)).json())
 * const res = await checker.fetch(url, '/api/v1/events/plugins', { headers })
 * ```
 */
export class OpenApiChecker {
  readonly #doc: Document
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true })
  readonly #compiled = new Map<Record<string, unknown>, ValidateFunction>()
  readonly #templates: { template: string; pattern: RegExp; params: number }[]
  /** `GET /api/v1/events/{id}/deliveries`-style keys of the operations answers were checked for. */
  readonly exercised = new Set<string>()

  private constructor(doc: Document) {
    this.#doc = doc
    this.#templates = Object.keys(doc.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\{path\}$/, '.+')}/?$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      // Literal segments win over parameters (`/plugins/status` over `/plugins/{name}`), as in routing.
      .sort((a, b) => a.params - b.params)
  }

  /** Validates `doc` as OpenAPI 3.1; throws with the validator's errors when it is not. */
  static async fromDocument(doc: unknown): Promise<OpenApiChecker> {
    const result = await new Validator().validate(doc as Record<string, unknown>)
    if (!result.valid) throw new Error(`invalid OpenAPI document: ${JSON.stringify(result.errors, null, 2)}`)
    return new OpenApiChecker(doc as Document)
  }

  /** Every operation of the document as `METHOD /path`. */
  operations(): string[] {
    return Object.entries(this.#doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    )
  }

  /**
   * fetch `base + path`, check the answer (throws on a mismatch) and hand back a Response with the same body. An
   * event stream is checked by its status and media type, and closed.
   */
  async fetch(base: string, path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(`${base}${path}`, init)
    const media = (res.headers.get('content-type') ?? '').split(';')[0]!.trim()
    const streamed = media === 'text/event-stream'
    if (streamed) await res.body?.cancel()
    const body = streamed ? '' : await res.text()
    const seen = { method: init.method ?? 'GET', path: new URL(path, base).pathname, status: res.status }
    this.check({ ...seen, media: body === '' && !streamed ? '' : media, body })
    return new Response(res.status === 204 ? null : body, { status: res.status, headers: res.headers })
  }

  /** Throws an error naming the operation, status and schema violations when `seen` does not match the document. */
  check(seen: SeenResponse): void {
    const where = `${seen.method} ${seen.path} -> ${seen.status}`
    const template = this.#templates.find(({ pattern }) => pattern.test(seen.path))?.template
    const operation = template && this.#doc.paths[template]?.[seen.method.toLowerCase()]
    if (!template || !operation) throw new Error(`${where}: no such operation in /openapi.json`)
    this.exercised.add(`${seen.method.toUpperCase()} ${template}`)
    const response = operation.responses[String(seen.status)] ?? operation.responses.default
    if (!response) throw new Error(`${where}: status not declared`)
    if (seen.media === '') {
      if (response.content && seen.status !== 204) throw new Error(`${where}: declared a body, got none`)
      return
    }
    const media = response.content?.[seen.media] ?? response.content?.['*/*']
    if (!media)
      throw new Error(`${where}: ${seen.media} not declared (${Object.keys(response.content ?? {})})`)
    if (!seen.media.endsWith('json')) return
    const validate = this.#validator(media.schema ?? {})
    if (!validate(JSON.parse(seen.body))) {
      throw new Error(
        `${where}: body does not match its schema: ${this.#ajv.errorsText(validate.errors)}\n${seen.body.slice(0, 2000)}`,
      )
    }
  }

  #validator(schema: Record<string, unknown>): ValidateFunction {
    let validate = this.#compiled.get(schema)
    if (!validate) {
      // `#/components/schemas/...` references resolve against the document's components.
      validate = this.#ajv.compile({ ...schema, components: this.#doc.components })
      this.#compiled.set(schema, validate)
    }
    return validate
  }
}
