import { ApiRequestError } from '../errors.js'

/** Where the CLI finds a running server: `--url` (or `SWITCHYARD_URL`) and the token in `SWITCHYARD_TOKEN`. */
export interface ApiClientOptions {
  url: string
  token?: string | undefined
}

/**
 * A small JSON client of the server API for the CLI. A non-2xx answer becomes an `ApiRequestError` carrying the
 * server's `{ error: { code, message } }`; an unreachable server becomes one with status 0.
 *
 * @example
 * ```ts
 * const client = new ApiClient({ url: 'http://127.0.0.1:8080', token: process.env.SWITCHYARD_TOKEN })
 * const plugins = await client.request('GET', '/api/v1/events/plugins')
 * ```
 */
export class ApiClient {
  readonly #base: string
  readonly #token: string | undefined

  constructor(options: ApiClientOptions) {
    this.#base = options.url.replace(/\/+$/, '')
    this.#token = options.token
  }

  /** Sends one request with an optional JSON body and resolves to the parsed JSON answer (or null when empty). */
  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (this.#token) headers.authorization = `Bearer ${this.#token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      })
    } catch (error) {
      const reason = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message
      throw new ApiRequestError(
        0,
        'E_UNREACHABLE',
        `cannot reach the server at ${this.#base} (${reason}); is it running? (--url)`,
      )
    }
    const text = await response.text()
    const parsed = text ? parseJson(text) : null
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error
      throw new ApiRequestError(
        response.status,
        error?.code ?? `E_HTTP_${response.status}`,
        `${method} ${path} answered ${response.status}: ${error?.message ?? text}`,
      )
    }
    return parsed
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
