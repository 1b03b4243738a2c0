import { readFile, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { ArchiveLimitError, DownloadError } from '../errors.js'

/** How to fetch one resource. */
export interface FetchOptions {
  timeoutMs: number
  maxBytes: number
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string | null
  /** Called as bytes arrive: the count so far and the size the server announced (`content-length`), if any. */
  onBytes?: (received: number, total: number | undefined) => void
}

/**
 * Fetches an `http(s):` or `file:` URL into memory, never holding more than `maxBytes`: a larger body is an
 * `ArchiveLimitError` (`E_ARCHIVE_LIMIT`); a network error, timeout or non-2xx answer a `DownloadError`
 * (`E_DOWNLOAD`, with `status` when the server answered).
 *
 * @example
 * ```ts
 * const bytes = await fetchBytes('https://example.com/plugin.tgz', { timeoutMs: 30_000, maxBytes: 50e6 })
 * ```
 */
export async function fetchBytes(url: string, options: FetchOptions): Promise<Buffer> {
  if (url.startsWith('file:')) {
    const bytes = await readLocal(url, options.maxBytes)
    options.onBytes?.(bytes.byteLength, bytes.byteLength)
    return bytes
  }
  let response: Response
  const signal = AbortSignal.timeout(options.timeoutMs)
  try {
    const headers: Record<string, string> = { accept: 'application/json, application/octet-stream, */*' }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    response = await fetch(url, { headers, signal, redirect: 'follow' })
  } catch (cause) {
    throw new DownloadError(url, reasonOf(cause, options.timeoutMs), { cause })
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new DownloadError(url, `HTTP ${response.status}`, { status: response.status })
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > options.maxBytes) {
    await response.body?.cancel()
    throw new ArchiveLimitError('bytes downloaded', options.maxBytes)
  }
  return readBody(url, response, options, Number.isFinite(declared) ? declared : undefined)
}

/**
 * `fetchBytes`, then JSON: a body that is not JSON is a `DownloadError`.
 *
 * @example
 * ```ts
 * const packument = await fetchJson('https://registry.example.com/semver', { timeoutMs: 30_000, maxBytes: 50e6 })
 * ```
 */
export async function fetchJson(url: string, options: FetchOptions): Promise<unknown> {
  const bytes = await fetchBytes(url, options)
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch (cause) {
    throw new DownloadError(url, 'the answer is not JSON', { cause })
  }
}

async function readBody(
  url: string,
  response: Response,
  options: FetchOptions,
  declared: number | undefined,
): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of response.body ?? []) {
      total += chunk.byteLength
      if (total > options.maxBytes) {
        await response.body?.cancel()
        throw new ArchiveLimitError('bytes downloaded', options.maxBytes)
      }
      chunks.push(Buffer.from(chunk))
      options.onBytes?.(total, declared)
    }
  } catch (cause) {
    if (cause instanceof ArchiveLimitError) throw cause
    throw new DownloadError(url, reasonOf(cause, options.timeoutMs), { cause })
  }
  return Buffer.concat(chunks)
}

async function readLocal(url: string, maxBytes: number): Promise<Buffer> {
  const path = fileURLToPath(url)
  try {
    if ((await stat(path)).size > maxBytes) throw new ArchiveLimitError('bytes downloaded', maxBytes)
    return await readFile(path)
  } catch (cause) {
    if (cause instanceof ArchiveLimitError) throw cause
    const notFound = (cause as NodeJS.ErrnoException).code === 'ENOENT'
    throw new DownloadError(url, notFound ? 'no such file' : reasonOf(cause, 0), {
      cause,
      ...(notFound ? { status: 404 } : {}),
    })
  }
}

function reasonOf(cause: unknown, timeoutMs: number): string {
  if (cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`
  }
  const inner = cause instanceof Error && cause.cause instanceof Error ? `: ${cause.cause.message}` : ''
  return cause instanceof Error ? `${cause.message}${inner}` : String(cause)
}
