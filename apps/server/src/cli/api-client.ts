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
    const response = await this.#send(method, path, {
      accept: 'application/json',
      body,
      signal: AbortSignal.timeout(60_000),
    })
    const text = await response.text()
    return text ? parseJson(text) : null
  }

  /**
   * Opens a Server-Sent Events stream and yields its messages (`event` is `message` unless named) until the
   * server ends it or `signal` aborts. A GET by default; `request` sends another method with a JSON body
   * (an install that streams its progress).
   *
   * @example
   * ```ts
   * for await (const message of client.stream('/api/v1/events/stream?pattern=order.**')) console.log(message.data)
   * ```
   */
  async *stream(
    path: string,
    signal?: AbortSignal,
    request: { method: string; body?: unknown } = { method: 'GET' },
  ): AsyncGenerator<SseMessage> {
    const { method, body } = request
    const response = await this.#send(method, path, { accept: 'text/event-stream', body, signal })
    const decoder = new TextDecoder()
    let buffered = ''
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true }).replaceAll('\r\n', '\n')
      let end = buffered.indexOf('\n\n')
      while (end >= 0) {
        const message = parseSseBlock(buffered.slice(0, end))
        buffered = buffered.slice(end + 2)
        if (message) yield message
        end = buffered.indexOf('\n\n')
      }
    }
  }

  async #send(
    method: string,
    path: string,
    init: { accept: string; body?: unknown; signal?: AbortSignal | undefined },
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: init.accept }
    if (this.#token) headers.authorization = `Bearer ${this.#token}`
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    let response: Response
    try {
      response = await fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal ?? null,
      })
    } catch (error) {
      const reason = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message
      throw new ApiRequestError(0, 'E_UNREACHABLE', `cannot reach the server at ${this.#base} (${reason})`)
    }
    if (response.ok) return response
    const text = await response.text()
    const error = (parseJson(text) as { error?: { code?: string; message?: string } } | null)?.error
    throw new ApiRequestError(
      response.status,
      error?.code ?? `E_HTTP_${response.status}`,
      `${method} ${path} answered ${response.status}: ${error?.message ?? text}`,
    )
  }
}

/** One Server-Sent Events message. */
export interface SseMessage {
  event: string
  data: string
  id?: string
}

// Comment lines (`: heartbeat`) carry nothing; a block of only comments is no message.
function parseSseBlock(block: string): SseMessage | undefined {
  let event = 'message'
  let id: string | undefined
  const data: string[] = []
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') event = value
    else if (field === 'id') id = value
    else if (field === 'data') data.push(value)
  }
  if (data.length === 0) return undefined
  return { event, data: data.join('\n'), ...(id === undefined ? {} : { id }) }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
