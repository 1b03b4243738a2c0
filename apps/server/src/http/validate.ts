import * as v from 'valibot'
import { InvalidJsonError, RequestValidationError } from '../errors.js'
import { checkJsonDepth } from './check-json-depth.js'
import { issueSentence } from './issue-sentence.js'

/** Any synchronous valibot schema. */
export type AnySchema = v.GenericSchema

/**
 * Validates `value` against `schema` and returns the typed output, or throws `RequestValidationError` whose
 * message names every failing path in a sentence: `body.type: must not be empty`, `body.data: is required`.
 *
 * @example
 * ```ts
 * const body = parseInput(v.object({ type: v.string() }), parseJson(text), 'body')
 * ```
 */
export function parseInput<S extends AnySchema>(schema: S, value: unknown, where: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value)
  if (result.success) return result.output
  const lines = result.issues.map((issue) => {
    const path = v.getDotPath(issue)
    const at = path ? `${where}.${path}` : where
    return `${at}: ${issueSentence(issue)}`
  })
  throw new RequestValidationError(lines.join('; '))
}

/**
 * Parses a request body as JSON; a body that is not JSON is an `InvalidJsonError` (400) that quotes the
 * parser's reason. With `maxDepth`, a body nested deeper is refused before parsing (`E_LIMIT_JSON_DEPTH`,
 * see `checkJsonDepth`; `offset` levels of envelope are not counted in its message).
 *
 * @example
 * ```ts
 * const value = parseJson(await readBodyText(c, maxBytes), 65, 1)
 * ```
 */
export function parseJson(text: string, maxDepth?: number, offset = 0): unknown {
  if (maxDepth !== undefined) checkJsonDepth(text, maxDepth, 'body', offset)
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new InvalidJsonError(`request body is not valid JSON: ${(error as Error).message}`)
  }
}
