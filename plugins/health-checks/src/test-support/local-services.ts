import { createServer as createHttpServer } from 'node:http'
import { type AddressInfo, connect, createServer as createTcpServer, type Server } from 'node:net'

/** Whether something accepts TCP connections on 127.0.0.1:`port` within a second. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 })
    const done = (up: boolean) => {
      socket.destroy()
      resolve(up)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

/**
 * Whether tests of a local service should run: yes when it is up, and also under CI, where a missing service
 * must fail the tests rather than skip them.
 */
export async function shouldTest(port: number): Promise<boolean> {
  return Boolean(process.env.CI) || (await listening(port))
}

/** A real HTTP server on 127.0.0.1 answering every request with `status`. */
export function startHttpServer(status: number) {
  return listen(createHttpServer((_req, res) => res.writeHead(status).end('{}')))
}

async function listen(server: Server | ReturnType<typeof createHttpServer>) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** A port on which nothing listens: opened, read and closed again. */
export async function closedPort(): Promise<number> {
  const { port, close } = await listen(createTcpServer())
  await close()
  return port
}
