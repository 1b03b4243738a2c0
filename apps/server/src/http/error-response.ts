import { type Logger, SwitchyardError } from '@switchyard/core'
import { MARKETPLACE_ERROR_STATUS } from '@switchyard/marketplace'
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ServerEnv } from './server-env.js'

/** HTTP status of each error code; a `SwitchyardError` with a code not listed here is a 500. */
const STATUS_BY_CODE: Record<string, ContentfulStatusCode> = {
  ...(MARKETPLACE_ERROR_STATUS as Record<string, ContentfulStatusCode>),
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN: 403,
  E_CROSS_ORIGIN: 403,
  E_PERMISSION: 403,
  E_NOT_FOUND: 404,
  E_ROUTE_NOT_FOUND: 404,
  E_PLUGIN_NOT_FOUND: 404,
  E_BODY_TOO_LARGE: 413,
  E_UNSUPPORTED_MEDIA_TYPE: 415,
  E_INVALID_JSON: 400,
  E_REQUEST_ABORTED: 400,
  E_VALIDATION: 400,
  E_EVENT_VALIDATION: 400,
  E_INVALID_PATTERN: 400,
  E_CONFIG: 400,
  E_EVENT_REJECTED: 422,
  E_PLUGIN_LOAD: 422,
  E_PLUGIN_DEPENDENCY: 409,
  E_PLUGIN_STATE: 409,
  E_CONFLICT: 409,
  E_INTEGRITY: 422,
  E_MARKETPLACE_DISABLED: 409,
  E_LIMIT_JSON_DEPTH: 400,
  E_LIMIT_EVENT_TYPE: 400,
  E_LIMIT_METADATA: 400,
  E_LIMIT_SSE_CLIENTS: 503,
  E_SHUTTING_DOWN: 503,
  E_STARTING: 503,
  E_CLOSED: 503,
  E_TIMEOUT: 504,
  E_EVENTS_NOT_KEPT: 501,
}

/** The `{ error: { code, message } }` body every failure is answered with. */
export interface ErrorBody {
  error: { code: string; message: string }
}

/**
 * Maps an error to its status and body: a `SwitchyardError` by its code, a Hono `HTTPException` by its
 * status, anything else is a 500 whose message is not leaked (it is logged instead).
 *
 * @example
 * ```ts
 * toErrorBody(new NotFoundError('plugin "x"')) // { status: 404, body: { error: { code: 'E_NOT_FOUND', ... } } }
 * ```
 */
export function toErrorBody(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof SwitchyardError) {
    const status = STATUS_BY_CODE[error.code] ?? 500
    return { status, body: { error: { code: error.code, message: error.message } } }
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode
    return {
      status,
      body: { error: { code: `E_HTTP_${status}`, message: error.message || 'request failed' } },
    }
  }
  return { status: 500, body: { error: { code: 'E_INTERNAL', message: 'internal server error' } } }
}

/**
 * Maps an error to its answer like `toErrorBody`, and logs it when it is a server fault (5xx) with the request id:
 * what every failed request goes through, in the Hono app and on the Node ingest path.
 *
 * @example
 * ```ts
 * const { status, body } = errorAnswer(error, logger, reqId)
 * ```
 */
export function errorAnswer(
  error: unknown,
  logger: Logger,
  reqId: string | undefined,
): { status: ContentfulStatusCode; body: ErrorBody } {
  const answer = toErrorBody(error)
  if (answer.status >= 500) logger.error({ err: error, reqId }, 'request failed')
  return answer
}

/**
 * Makes the app's one `onError`: answers with the mapped JSON error and logs server faults (5xx) with the
 * error and the request id.
 *
 * @example
 * ```ts
 * app.onError(errorHandler(logger))
 * ```
 */
export function errorHandler(logger: Logger): (error: Error, c: Context<ServerEnv>) => Response {
  return (error, c) => {
    const { status, body } = errorAnswer(error, logger, c.get('requestId'))
    return c.json(body, status)
  }
}
