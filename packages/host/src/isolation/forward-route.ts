import type { Context } from 'hono'
import type { WireHttp } from './sandbox-protocol.js'
import type { SandboxSupervisor } from './sandbox-supervisor.js'

const NO_BODY = new Set(['GET', 'HEAD'])

/**
 * The host-side Hono handler of an isolated plugin's routes: sends the request (method, URL, headers, body — the
 * server's body limit already applied) into the sandbox, whose own Hono app answers, and returns that answer.
 * While the sandbox restarts it answers 503 at once rather than holding the client; an answer that is not a
 * well-formed response terminates the sandbox.
 *
 * @example
 * ```ts
 * ctx.routes.all('*', forwardRoute(supervisor))
 * ```
 */
export function forwardRoute(supervisor: SandboxSupervisor) {
  return async (c: Context): Promise<Response> => {
    const raw = c.req.raw
    const body = NO_BODY.has(raw.method) ? null : new Uint8Array(await raw.arrayBuffer())
    const request: WireHttp = { method: raw.method, url: raw.url, headers: [...raw.headers], body }
    let answer: unknown
    try {
      answer = await supervisor.request({ t: 'fetch', request }, { wait: false })
    } catch (error) {
      const { code = 'E_PLUGIN_CRASHED', message } = error as Error & { code?: string }
      return c.json({ error: { code, message } }, 503)
    }
    const problem = checkAnswer(answer)
    if (problem !== undefined) {
      supervisor.violation(`fetch answer: ${problem}`)
      return c.json({ error: { code: 'E_SANDBOX_PROTOCOL', message: problem } }, 502)
    }
    const { status, headers, body: payload } = answer as WireHttp
    return new Response(payload as ConstructorParameters<typeof Response>[0], {
      status: status as number,
      headers,
    })
  }
}

function checkAnswer(answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null) return 'expected { status, headers, body }'
  const { status, headers, body } = answer as Record<string, unknown>
  if (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 599)
    return 'status: expected an integer from 200 to 599'
  if (
    !Array.isArray(headers) ||
    !headers.every((h) => Array.isArray(h) && h.length === 2 && h.every((p) => typeof p === 'string'))
  )
    return 'headers: expected [name, value] string pairs'
  return body === null || body instanceof Uint8Array ? undefined : 'body: expected bytes or null'
}
