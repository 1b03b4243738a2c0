import type { Context } from 'hono'
import { type BodyStreams, MAX_BODY_CHUNK } from './body-streams.js'
import type { WireHttp } from './sandbox-protocol.js'
import type { SandboxSupervisor } from './sandbox-supervisor.js'

const NO_BODY = new Set(['GET', 'HEAD'])

/**
 * The host-side Hono handler of an isolated plugin's routes: sends the request (method, URL, headers) into the
 * sandbox, whose own Hono app answers, and returns that answer. Both bodies stream across the boundary chunk by
 * chunk as their readers ask (`BodyStreams`; a small answer already whole comes inline with its status): a large upload or download never sits whole in either process, and
 * the server's body limit (applied to the request before it gets here) cuts an upload off as it streams. While the
 * sandbox restarts it answers 503 at once rather than holding the client; an answer that is not a well-formed
 * response terminates the sandbox.
 *
 * @example
 * ```ts
 * ctx.routes.all('*', forwardRoute(supervisor, streams))
 * ```
 */
export function forwardRoute(supervisor: SandboxSupervisor, streams: BodyStreams) {
  return async (c: Context): Promise<Response> => {
    const raw = c.req.raw
    const upload = NO_BODY.has(raw.method) || raw.body === null ? undefined : streams.outgoing(raw.body)
    const request: WireHttp = {
      method: raw.method,
      url: raw.url,
      headers: [...raw.headers],
      ...(upload === undefined ? {} : { stream: upload }),
    }
    let answer: unknown
    try {
      answer = await supervisor.request({ t: 'fetch', request }, { wait: false })
    } catch (error) {
      if (upload !== undefined) streams.cancelOutgoing(upload)
      const { code = 'E_PLUGIN_CRASHED', message } = error as Error & { code?: string }
      return c.json({ error: { code, message } }, 503)
    }
    // Once the exchange is over (the answer's body ended, or it has none), what the handler left unread of the
    // upload is not sent.
    const over = () => upload !== undefined && streams.cancelOutgoing(upload)
    const problem = checkAnswer(answer)
    if (problem !== undefined) {
      over()
      supervisor.violation(`fetch answer: ${problem}`)
      return c.json({ error: { code: 'E_SANDBOX_PROTOCOL', message: problem } }, 502)
    }
    const { status, headers, stream, body } = answer as WireHttp
    if (stream === undefined) over()
    return new Response(body ?? (stream === undefined ? null : streams.incoming(stream, over)), {
      status: status as number,
      headers,
    })
  }
}

function checkAnswer(answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null) return 'expected { status, headers, stream? }'
  const { status, headers, stream, body } = answer as Record<string, unknown>
  if (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 599)
    return 'status: expected an integer from 200 to 599'
  if (
    !Array.isArray(headers) ||
    !headers.every((h) => Array.isArray(h) && h.length === 2 && h.every((p) => typeof p === 'string'))
  )
    return 'headers: expected [name, value] string pairs'
  if (body !== undefined)
    return stream === undefined && body instanceof Uint8Array && body.byteLength <= MAX_BODY_CHUNK
      ? undefined
      : `body: expected at most ${MAX_BODY_CHUNK} bytes, and no stream beside it`
  return stream === undefined || (Number.isSafeInteger(stream) && (stream as number) >= 0)
    ? undefined
    : 'stream: expected a non-negative integer'
}
