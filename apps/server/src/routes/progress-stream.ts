import type { Logger } from '@switchyard/core'
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { errorAnswer } from '../http/error-response.js'
import type { ServerEnv } from '../http/server-env.js'

/** Whether the client asked for Server-Sent Events (`Accept: text/event-stream`). */
export const wantsEventStream = (c: Context<ServerEnv>): boolean =>
  (c.req.header('accept') ?? '').includes('text/event-stream')

/** What the stream's last message carries: the status and body the JSON answer would have had. */
export interface StreamOutcome {
  status: number
  body: unknown
}

/**
 * Answers long work (an install or upgrade, a handler replay) as Server-Sent Events: an `event: progress`
 * message per step (the work's progress as JSON), then `event: result` with `{ status, body }` (the JSON answer's
 * status and body) or `event: error` with `{ status, error: { code, message } }`. The work runs to its end even
 * when the client goes away: an install is never left half done. The audit trail records the outcome's status
 * (`auditStatus`), not the stream's 200.
 *
 * @example
 * ```ts
 * if (wantsEventStream(c)) return progressStream(c, logger, (onProgress) => marketplace.install(body, { onProgress }), 201)
 * ```
 */
export function progressStream<P>(
  c: Context<ServerEnv>,
  logger: Logger,
  work: (onProgress: (progress: P) => void) => Promise<unknown>,
  status: number,
): Response {
  let settle: (status: number) => void = () => {}
  c.set('auditStatus', new Promise<number>((resolve) => (settle = resolve)))
  return streamSSE(c, async (stream) => {
    // Writes are chained so messages keep their order; a client gone away only stops the messages.
    let sent = Promise.resolve()
    const send = (event: string, data: unknown) => {
      sent = sent.then(() => stream.writeSSE({ event, data: JSON.stringify(data) })).catch(() => undefined)
      return sent
    }
    const onProgress = (progress: P) => void send('progress', progress)
    try {
      const body = await work(onProgress)
      settle(status)
      await send('result', { status, body } satisfies StreamOutcome)
    } catch (error) {
      const answer = errorAnswer(error, logger, c.get('requestId'))
      settle(answer.status)
      await send('error', { status: answer.status, ...answer.body })
    }
  })
}
