import { connect, type Socket } from 'node:net'

/** Reads from a socket in the shapes the probes need. */
export interface SocketReader {
  /** Resolves with the next `count` bytes. */
  bytes(count: number): Promise<Buffer>
  /** Resolves with the next line, without its CRLF. */
  line(): Promise<string>
}

/**
 * Opens a TCP connection to `host:port`, runs `talk` on it and closes it, all within `timeoutMs`. Rejects with
 * the connection error, `timed out after <n>ms`, or `connection closed` when the peer hangs up mid-conversation.
 *
 * @example
 * ```ts
 * const banner = await converse('127.0.0.1', 4222, 2000, (_socket, read) => read.line())
 * ```
 */
export function converse<T>(
  host: string,
  port: number,
  timeoutMs: number,
  talk: (socket: Socket, read: SocketReader) => Promise<T>,
): Promise<T> {
  const socket = connect({ host, port })
  let buffered = Buffer.alloc(0)
  let wake: (() => void) | undefined
  let failure: Error | undefined
  const fail = (error: Error) => {
    failure ??= error
    wake?.()
  }
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    wake?.()
  })
  socket.on('error', fail)
  socket.on('close', () => fail(new Error('connection closed')))

  // Waits until `take` can cut what it needs off the buffer.
  async function next<R>(take: () => R | undefined): Promise<R> {
    for (;;) {
      const taken = take()
      if (taken !== undefined) return taken
      if (failure) throw failure
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
  }
  const read: SocketReader = {
    bytes: (count) =>
      next(() => {
        if (buffered.length < count) return undefined
        const head = buffered.subarray(0, count)
        buffered = buffered.subarray(count)
        return head
      }),
    line: () =>
      next(() => {
        const end = buffered.indexOf('\r\n')
        if (end < 0) return undefined
        const text = buffered.subarray(0, end).toString('utf8')
        buffered = buffered.subarray(end + 2)
        return text
      }),
  }

  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs}ms`)
      fail(error)
      reject(error)
    }, timeoutMs)
  })
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return Promise.race([connected.then(() => talk(socket, read)), deadline]).finally(() => {
    clearTimeout(timer)
    socket.destroy()
  })
}
