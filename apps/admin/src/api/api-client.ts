import { session } from './session-state'

/** A failed API call: the HTTP status and the server's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** What `api` sends: a method other than GET, and a JSON body. */
export interface ApiRequest {
  method?: 'GET' | 'POST' | 'DELETE'
  body?: unknown
}

/**
 * Calls the public API with the session cookie (same origin only) and answers its JSON, or throws `ApiError`.
 * A 401 means the session ended: the UI goes back to the sign-in form.
 *
 * @example
 * ```ts
 * const { plugins } = await api<{ plugins: PluginStatus[] }>('/api/v1/events/plugins')
 * ```
 */
export async function api<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const response = await fetch(path, {
    method: request.method ?? 'GET',
    credentials: 'same-origin',
    headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  })
  if (response.status === 204) return undefined as T
  const text = await response.text()
  const body = text === '' ? undefined : parse(text)
  if (response.ok) return body as T
  // The session expired or its token was revoked: back to the sign-in form.
  if (response.status === 401 && path !== '/api/v1/session') session.value = null
  throw failure(response.status, body, response.statusText)
}

/** The `ApiError` of an answer with this status and body (`{ error: { code, message } }` when the server sent one). */
export function failure(status: number, body: unknown, statusText = ''): ApiError {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error
  return new ApiError(
    status,
    error?.code ?? `HTTP_${status}`,
    error?.message ?? `${status} ${statusText}`.trim(),
  )
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The message to show for a failure of any kind. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}
