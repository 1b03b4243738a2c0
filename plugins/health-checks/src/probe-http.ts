import type { ProbeDetails } from './probe-tcp.js'

/**
 * GETs the URL and succeeds on `expectStatus` (any 2xx or 3xx when not given); throws with the status otherwise.
 *
 * @example
 * ```ts
 * await probeHttp(new URL('http://127.0.0.1:8080/healthz'), 2000)
 * ```
 */
export async function probeHttp(url: URL, timeoutMs: number, expectStatus?: number): Promise<ProbeDetails> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' }).catch(
    (error: unknown) => {
      throw new Error(timeoutMessage(error, timeoutMs))
    },
  )
  await response.arrayBuffer().catch(() => undefined)
  const ok = expectStatus === undefined ? response.status < 400 : response.status === expectStatus
  if (!ok)
    throw new Error(`answered HTTP ${response.status}${expectStatus ? `, expected ${expectStatus}` : ''}`)
  return { status: response.status }
}

function timeoutMessage(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `timed out after ${timeoutMs}ms`
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error instanceof Error ? error.message : String(error)}${cause}`
}
