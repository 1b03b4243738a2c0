import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'

/** What one POST sends and how it may connect. */
export interface PostOptions {
  headers: Record<string, string>
  body: string
  signal: AbortSignal
  /** Resolves the host name; `TargetGuard.lookup` refuses addresses webhooks may not reach. */
  lookup?: LookupFunction
}

/**
 * POSTs `body` to an http(s) URL with node:http, which never follows redirects, and resolves with the response
 * status once the response body was read and dropped. Rejects on network errors and when `signal` aborts.
 * Each call opens its own connection, so every connection goes through `lookup`: a pooled socket opened
 * earlier, under another policy or by another sender, is never reused.
 *
 * @example
 * ```ts
 * const status = await httpPost(new URL('https://example.com/hook'), { headers: {}, body: '{}', signal })
 * ```
 */
export function httpPost(url: URL, options: PostOptions): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
        signal: options.signal,
        agent: false,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      },
      (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
        // After 'end' this is a no-op; before it, the connection died mid-body.
        response.on('close', () => reject(new Error('the connection closed before the response ended')))
      },
    )
    request.on('error', reject)
    request.end(options.body)
  })
}
