import { ApiRequestError } from '../errors.js'
import type { ApiClient } from './api-client.js'

/**
 * POSTs `body` asking for the work's progress as Server-Sent Events, hands each `progress` message to `show` as
 * it comes and resolves to the answer's body; a failure rejects with its code and message after the progress
 * printed so far. `lostHint` says what to check when the stream ends without a result.
 *
 * @example
 * ```ts
 * const summary = await postWithProgress(client, '/api/v1/handlers/indexer/replay', { since: '24h' }, show, 'check the server log')
 * ```
 */
export async function postWithProgress<P>(
  client: ApiClient,
  path: string,
  body: unknown,
  show: (progress: P) => void,
  lostHint: string,
): Promise<unknown> {
  for await (const message of client.stream(path, undefined, { method: 'POST', body })) {
    const data = JSON.parse(message.data) as Record<string, unknown>
    if (message.event === 'progress') show(data as P)
    else if (message.event === 'result') return data.body
    else if (message.event === 'error') {
      const { status, error } = data as { status: number; error: { code: string; message: string } }
      throw new ApiRequestError(status, error.code, `POST ${path} answered ${status}: ${error.message}`)
    }
  }
  throw new ApiRequestError(
    0,
    'E_STREAM_ENDED',
    `POST ${path}: the server closed the progress stream before the result; ${lostHint}`,
  )
}
