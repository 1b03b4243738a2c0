import { connect, type Socket } from 'node:net'

/** One HTTP/1.1 response as read off the wire. */
export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * The text of a POST request with a JSON body, for `RawHttpConnection.write` (which may send it in pieces).
 *
 * @example
 * ```ts
 * const text = postText(url, '/api/v1/events', JSON.stringify(event), { 'content-type': 'application/json' })
 * ```
 */
export function postText(url: string, path: string, body: string, headers: Record<string, string>): string {
  const lines = [
    `POST ${path} HTTP/1.1`,
    `host: ${new URL(url).host}`,
    `content-length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ]
  return `${lines.join('\r\n')}\r\n\r\n${body}`
}

/**
 * A client connection written by hand, for what fetch cannot do: leave a request half sent, or pipeline a second
 * request behind it on the same connection.
 *
 * @example
 * ```ts
 * const conn = await RawHttpConnection.open(url)
 * conn.write(text.slice(0, 100))
 * conn.write(text.slice(100))
 * const [response] = await conn.closed
 * ```
 */
export class RawHttpConnection {
  /** Every response the server sent, once it closed the connection. */
  readonly closed: Promise<RawResponse[]>
  readonly #socket: Socket

  private constructor(socket: Socket) {
    this.#socket = socket
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    this.closed = new Promise((resolve, reject) => {
      socket.once('error', reject)
      socket.once('close', () => resolve(parseResponses(Buffer.concat(chunks))))
    })
  }

  static open(url: string): Promise<RawHttpConnection> {
    const { hostname, port } = new URL(url)
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => {
        socket.off('error', reject)
        resolve(new RawHttpConnection(socket))
      })
      socket.once('error', reject)
    })
  }

  write(text: string): void {
    this.#socket.write(text)
  }
}

/** Splits a stream of HTTP/1.1 responses (bodies sized by content-length or chunked). */
function parseResponses(data: Buffer): RawResponse[] {
  const responses: RawResponse[] = []
  let at = 0
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at)
    if (headEnd < 0) throw new Error(`incomplete response head: ${data.subarray(at).toString()}`)
    const [statusLine = '', ...headerLines] = data.subarray(at, headEnd).toString('latin1').split('\r\n')
    const headers = Object.fromEntries(
      headerLines.map((line) => {
        const colon = line.indexOf(':')
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
      }),
    )
    at = headEnd + 4
    let body: Buffer
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = []
      for (;;) {
        const lineEnd = data.indexOf('\r\n', at)
        const size = Number.parseInt(data.subarray(at, lineEnd).toString(), 16)
        at = lineEnd + 2 + size + 2
        if (size === 0) break
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
      }
      body = Buffer.concat(parts)
    } else {
      const length = Number(headers['content-length'] ?? 0)
      body = data.subarray(at, at + length)
      at += length
    }
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') })
  }
  return responses
}
