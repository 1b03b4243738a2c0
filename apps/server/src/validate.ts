import type { Context } from 'hono'
import * as v from 'valibot'
import { InvalidJsonError, RequestValidationError } from './errors.js'

/** Any synchronous valibot schema. */
export type AnySchema = v.GenericSchema

/**
 * Validates `value` against `schema` and returns the typed output, or throws `RequestValidationError` whose
 * message names every failing path: `body.data.status: expected string, got 3`.
 *
 * @example
 * ```ts
 * const body = parseInput(v.object({ type: v.string() }), await readJson(c), 'body')
 * ```
 */
export function parseInput<S extends AnySchema>(schema: S, value: unknown, where: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value)
  if (result.success) return result.output
  const lines = result.issues.map((issue) => {
    const path = v.getDotPath(issue)
    const at = path ? `${where}.${path}` : where
    return issue.expected && issue.received
      ? `${at}: expected ${issue.expected}, got ${issue.received}`
      : `${at}: ${issue.message}`
  })
  throw new RequestValidationError(lines.join('; '))
}

/**
 * Reads the request body as JSON; a body that is not JSON is an `InvalidJsonError` (400) that quotes the
 * parser's reason.
 *
 * @example
 * ```ts
 * const value = await readJson(c)
 * ```
 */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text()
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new InvalidJsonError(`request body is not valid JSON: ${(error as Error).message}`)
  }
}
