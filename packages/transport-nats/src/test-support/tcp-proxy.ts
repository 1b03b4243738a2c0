import { createServer, connect as dial, type Socket } from 'node:net'

/** A TCP proxy in front of NATS whose link can be cut and restored, to test connection loss for real. */
export interface TcpProxy {
  url: string
  /** Drops every open connection and refuses new ones until `restore`. */
  cut(): void
  restore(): void
  close(): Promise<void>
}

/** Starts a proxy on a free loopback port forwarding to `target` (`nats://host:port`). */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<Socket>()
  let down = false
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const server = createServer((client) => {
    track(client)
    if (down) {
      client.destroy()
      return
    }
    const upstream = dial({ host: hostname, port: Number(port) || 4222 })
    track(upstream)
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address')
  return {
    url: `nats://127.0.0.1:${address.port}`,
    cut() {
      down = true
      for (const socket of sockets) socket.destroy()
    },
    restore() {
      down = false
    },
    close() {
      for (const socket of sockets) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
