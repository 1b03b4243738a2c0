import type { InstallProgress } from '@switchyard/marketplace'
import { failure } from './api-client'

export type { InstallProgress }

/**
 * Runs a marketplace install or upgrade (`POST /api/v1/plugins/install|upgrade`) asking for its progress as
 * Server-Sent Events: `onProgress` hears each step (resolve, download with bytes, verify, extract, dependencies,
 * load, swap); resolves to the answer's body, or throws the `ApiError` with the failed step's exact code and message.
 *
 * @example
 * ```ts
 * await installWithProgress('/api/v1/plugins/install', { name: 'e2e-greeter' }, (p) => console.log(p.step))
 * ```
 */
export async function installWithProgress(
  path: string,
  body: unknown,
  onProgress: (progress: InstallProgress) => void,
): Promise<unknown> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  })
  // Refused before any work (validation, scope, marketplace off): a plain JSON answer.
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream') || !response.body) {
    const text = await response.text()
    if (!response.ok) throw failure(response.status, text ? JSON.parse(text) : undefined, response.statusText)
    return text ? JSON.parse(text) : undefined
  }
  for await (const { event, data } of serverSentEvents(response.body)) {
    const message = JSON.parse(data) as { status: number; body?: unknown }
    if (event === 'progress') onProgress(message as unknown as InstallProgress)
    else if (event === 'result') return message.body
    else if (event === 'error') throw failure(message.status, message)
  }
  throw new Error('the install stream ended without a result')
}

/** The messages of a `text/event-stream` body: each one's `event` name and `data`. */
async function* serverSentEvents(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event: string; data: string }> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      const lines = buffer.slice(0, end).split('\n')
      buffer = buffer.slice(end + 2)
      const field = (name: string) =>
        lines
          .filter((line) => line.startsWith(`${name}:`))
          .map((line) => line.slice(name.length + 1).replace(/^ /, ''))
          .join('\n')
      if (lines.some((line) => line.startsWith('data:')))
        yield { event: field('event') || 'message', data: field('data') }
      end = buffer.indexOf('\n\n')
    }
  }
}
