import type { ProbeDetails } from './probe-tcp.js'
import { converse, type SocketReader } from './socket-conversation.js'

const PROTOCOL_3_0 = 196_608

/**
 * Sends a PostgreSQL startup message for the user and database of the `postgres://user@host:port/db` URL and
 * succeeds when the server answers with an authentication request (ready at once under trust auth, or asking
 * for a password, which proves a live server without needing one). An ErrorResponse (unknown database or role,
 * the server starting up or shutting down) fails the probe with the server's message.
 *
 * @example
 * ```ts
 * const details = await probePostgres(new URL('postgres://postgres@127.0.0.1:5432/postgres'), 2000)
 * ```
 */
export async function probePostgres(url: URL, timeoutMs: number): Promise<ProbeDetails> {
  const user = decodeURIComponent(url.username) || 'postgres'
  const database = decodeURIComponent(url.pathname.slice(1)) || user
  return converse(url.hostname, Number(url.port || 5432), timeoutMs, async (socket, read) => {
    socket.write(startupMessage({ user, database, application_name: 'switchyard-health-checks' }))
    const { type, body } = await readMessage(read)
    if (type === 'E') throw new Error(`PostgreSQL refused the connection: ${errorText(body)}`)
    if (type !== 'R') throw new Error(`not a PostgreSQL server: unexpected message ${JSON.stringify(type)}`)
    const authCode = body.readInt32BE(0)
    if (authCode !== 0) return { authentication: 'required' }
    // Trust auth: wait for ReadyForQuery so that a server still in recovery is not reported healthy.
    for (;;) {
      const message = await readMessage(read)
      if (message.type === 'E')
        throw new Error(`PostgreSQL refused the connection: ${errorText(message.body)}`)
      if (message.type === 'Z') break
    }
    socket.write(Buffer.from([0x58, 0, 0, 0, 4])) // Terminate
    return { authentication: 'ok' }
  })
}

function startupMessage(parameters: Record<string, string>): Buffer {
  const pairs = Object.entries(parameters).flat()
  const payload = Buffer.from(`${pairs.join('\0')}\0\0`, 'utf8')
  const head = Buffer.alloc(8)
  head.writeInt32BE(8 + payload.length, 0)
  head.writeInt32BE(PROTOCOL_3_0, 4)
  return Buffer.concat([head, payload])
}

async function readMessage(read: SocketReader): Promise<{ type: string; body: Buffer }> {
  const head = await read.bytes(5)
  const length = head.readInt32BE(1)
  if (length < 4 || length > 1_000_000) throw new Error('not a PostgreSQL server: bad message length')
  return { type: String.fromCharCode(head[0] ?? 0), body: await read.bytes(length - 4) }
}

// ErrorResponse fields: a type byte then a NUL-terminated string, repeated; 'M' is the human-readable message.
function errorText(body: Buffer): string {
  for (const field of body.toString('utf8').split('\0')) {
    if (field.startsWith('M')) return field.slice(1)
  }
  return 'unknown error'
}
