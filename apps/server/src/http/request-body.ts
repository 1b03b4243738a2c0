import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { PayloadTooLargeError, RequestAbortedError } from '../errors.js'
import type { ServerEnv } from './server-env.js'

const tooLarge = (maxBytes: number) =>
  new PayloadTooLargeError(`request body exceeds the limit of ${maxBytes} bytes (server.body_limit_bytes)`)

/**
 * Reads the request body as UTF-8 text within `maxBytes`: a declared `Content-Length` past it is refused with
 * `PayloadTooLargeError` (413) before anything is read, and a body without one as soon as it passes it.
 *
 * Under `@hono/node-server` the bytes come straight from the Node request when nothing has touched it yet:
 * going through `c.req.text()` builds a WHATWG `Request`, an `AbortController` and a web stream per request,
 * which costs more than auth, validation and the enqueue together (`pnpm bench -- http`). A body something
 * else has started reading (a plugin's `http.middleware`) and requests made without a socket (`app.fetch`)
 * are read through the `Request` as usual.
 *
 * @example
 * ```ts
 * const text = await readBodyText(c, 1 << 20)
 * ```
 */
export function readBodyText(c: Context<ServerEnv>, maxBytes: number): Promise<string> {
  const incoming = c.env?.incoming
  // Not an async function: returning the Node body's promise from one would wrap it in two more.
  if (incoming && !incoming.readableDidRead && incoming.readableFlowing === null) {
    return readNodeBody(incoming, maxBytes)
  }
  return readRequestBody(c, maxBytes)
}

/** The body through the WHATWG `Request`, for a body something else started reading, or no Node request. */
async function readRequestBody(c: Context<ServerEnv>, maxBytes: number): Promise<string> {
  refuseDeclaredOversize(c.req.header('content-length'), maxBytes)
  if (c.req.raw.bodyUsed) return c.req.text() // Hono keeps what an earlier reader got
  const stream = c.req.raw.body
  if (!stream) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of stream) {
    size += chunk.byteLength
    // Leaving the loop cancels the stream.
    if (size > maxBytes) throw tooLarge(maxBytes)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, size).toString('utf8')
}

function refuseDeclaredOversize(declared: string | undefined, maxBytes: number): void {
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes)
}

/**
 * Reads a Node request body as UTF-8 text within `maxBytes`, like `readBodyText`: a declared length past it is
 * refused before anything is read, a longer body as soon as it passes it. Plain events, no async iterator: one
 * promise per body, not per chunk.
 *
 * @example
 * ```ts
 * const text = await readNodeBody(req, 1 << 20)
 * ```
 */
export function readNodeBody(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  // One promise, not an async function's around it; a throw here (the declared length) rejects it.
  return new Promise((resolve, reject) => {
    refuseDeclaredOversize(incoming.headers['content-length'], maxBytes)
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength
      if (size > maxBytes) {
        finish()
        // Stop buffering; the rest is drained by @hono/node-server once the 413 is sent.
        incoming.pause()
        reject(tooLarge(maxBytes))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      finish()
      resolve(
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8'),
      )
    }
    // An error on the request stream ("aborted", ECONNRESET), or 'close' before 'end': the client went away mid-body.
    const onError = (cause?: Error) => {
      finish()
      reject(new RequestAbortedError({ cause }))
    }
    const onClose = () => onError()
    const finish = () => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('close', onClose)
    }
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
    incoming.on('close', onClose)
  })
}
