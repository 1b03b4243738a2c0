import type { ProbeDetails } from './probe-tcp.js'
import { converse } from './socket-conversation.js'

/**
 * Speaks the NATS client protocol to the `nats://host:port` URL: reads the server's INFO, sends CONNECT and
 * PING, and succeeds on PONG. A server that refuses the connection (`-ERR`, e.g. authorization required) fails
 * the probe with the server's message.
 *
 * @example
 * ```ts
 * const details = await probeNats(new URL('nats://127.0.0.1:4222'), 2000) // { server_version: '2.10.x', jetstream: true }
 * ```
 */
export async function probeNats(url: URL, timeoutMs: number): Promise<ProbeDetails> {
  return converse(url.hostname, Number(url.port || 4222), timeoutMs, async (socket, read) => {
    const banner = await read.line()
    if (!banner.startsWith('INFO ')) throw new Error(`not a NATS server: ${banner.slice(0, 60)}`)
    const info = JSON.parse(banner.slice(5)) as { version?: string; jetstream?: boolean }
    const connect = { verbose: false, pedantic: false, name: 'switchyard-health-checks', lang: 'node' }
    socket.write(`CONNECT ${JSON.stringify(connect)}\r\nPING\r\n`)
    for (;;) {
      const line = await read.line()
      if (line === 'PONG')
        return { server_version: info.version ?? 'unknown', jetstream: info.jetstream === true }
      if (line.startsWith('-ERR')) throw new Error(`NATS refused the connection: ${line.slice(5)}`)
    }
  })
}
