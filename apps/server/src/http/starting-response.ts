import { StartingError } from '../errors.js'
import { toErrorBody } from './error-response.js'

const HEALTH_PATHS = new Set(['/healthz', '/readyz'])

/**
 * What the server answers while it starts (the port opens before the plugins are up): 503 `{ "status":
 * "starting" }` on `/healthz` and `/readyz`, 503 `E_STARTING` on everything else, each with `Retry-After: 1`.
 *
 * @example
 * ```ts
 * const listener = await listen(startingResponse, { hostname: '127.0.0.1', port: 0 })
 * ```
 */
export function startingResponse(request: Request): Response {
  const path = new URL(request.url).pathname
  const body = HEALTH_PATHS.has(path) ? { status: 'starting' } : toErrorBody(new StartingError()).body
  return Response.json(body, { status: 503, headers: { 'retry-after': '1' } })
}
